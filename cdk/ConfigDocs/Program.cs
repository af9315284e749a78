using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;

// Regenerates the configuration tables of the README and docs from cdk/Shared/Configuration/SettingsSchema.cs.
// `--check` writes nothing and exits 1 when a document is out of date (what the test checks too).
var check = args.Contains("--check");
var root = RepositoryLocator.FindRoot(Directory.GetCurrentDirectory());
var stale = new List<string>();
foreach (var document in SettingsDocumentation.Documents)
{
    var path = Path.Combine(root, document);
    var text = File.ReadAllText(path);
    var generated = SettingsDocumentation.Apply(text);
    if (generated == text)
    {
        continue;
    }

    stale.Add(document);
    if (!check)
    {
        File.WriteAllText(path, generated);
    }
}

if (stale.Count == 0)
{
    Console.WriteLine("configuration tables are up to date");
    return 0;
}

Console.WriteLine(check
    ? $"configuration tables out of date in: {string.Join(", ", stale)} (run: bash scripts/config-docs.sh)"
    : $"configuration tables rewritten in: {string.Join(", ", stale)}");
return check ? 1 : 0;
