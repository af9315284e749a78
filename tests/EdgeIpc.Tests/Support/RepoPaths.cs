namespace EdgeIpc.Tests.Support;

/// <summary>Locates the repository root (the folder holding package.json and node_modules) from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string NodeModules => Path.Combine(Root, "node_modules");

    public static string TestScript(string name) => Path.Combine(Root, "tests", "EdgeIpc.Tests", "js", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "node_modules")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No package.json with node_modules above {AppContext.BaseDirectory}: run `npm install --ignore-scripts` at the repository root.");
    }
}
