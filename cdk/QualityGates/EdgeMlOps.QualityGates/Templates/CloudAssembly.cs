namespace EdgeMlOps.QualityGates.Templates;

/// <summary>
/// The templates of a cloud assembly (<c>cdk.out</c>): top-level stacks and those of nested stage assemblies
/// (<c>assembly-*/</c>, at any depth). Asset folders are skipped: they hold build output, not templates.
/// </summary>
public static class CloudAssembly
{
    public static IReadOnlyList<TemplateFile> LoadTemplates(string cdkOut)
    {
        if (!Directory.Exists(cdkOut))
        {
            throw new DirectoryNotFoundException($"Cloud assembly folder {cdkOut} does not exist (run cdk synth first)");
        }

        return Directory.EnumerateFiles(cdkOut, "*.template.json", SearchOption.AllDirectories)
            .Select(path => (path, name: Path.GetRelativePath(cdkOut, path).Replace('\\', '/')))
            .Where(t => !t.name.Split('/').SkipLast(1).Any(folder => folder.StartsWith("asset.", StringComparison.Ordinal)))
            .OrderBy(t => t.name, StringComparer.Ordinal)
            .Select(t => TemplateFile.Load(t.path, t.name))
            .ToList();
    }
}
