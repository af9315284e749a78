using EdgeMlOps.QualityGates.Cli;
using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Templates;
using EdgeMlOps.QualityGates.Tools;

if (args.Length > 0 && args[0] == "reorder")
{
    return AslReorderCommand.Run(args[1..], Console.Out, Console.Error);
}

CliOptions options;
RepositoryLayout layout;
try
{
    options = CliOptions.Parse(args);
    layout = options.RepoRoot is { } root ? new RepositoryLayout(Path.GetFullPath(root)) : RepositoryLayout.FindFrom(Directory.GetCurrentDirectory());
}
catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(CliOptions.Usage);
    return 2;
}

var cdkOut = Path.GetFullPath(options.CdkOut ?? Path.Combine(layout.RepoRoot, "cdk.out"));
var stateMachines = Path.GetFullPath(options.StateMachines ?? Path.Combine(layout.RepoRoot, "statemachines"));
IReadOnlyList<TemplateFile> templates;
try
{
    templates = CloudAssembly.LoadTemplates(cdkOut);
}
catch (DirectoryNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var suite = new QualityGateSuite(layout);
IReadOnlyList<EdgeMlOps.QualityGates.Model.GateResult> results;
try
{
    results = suite.Run(templates, suite.AslFilesIn(stateMachines), options.PartialAssembly);
}
catch (FileNotFoundException e)
{
    // The AWS API models (npm aws-sdk) are missing: nothing can be checked against them.
    Console.Error.WriteLine(e.Message);
    return 2;
}

Console.WriteLine($"Cloud assembly {cdkOut}: {templates.Count} templates; ASL folder {stateMachines}");
Reports.WriteConsole(results, Console.Out, options.SuppressionsMarkdown);
if (options.JsonFile is { } json)
{
    File.WriteAllText(json, Reports.Json(results));
}

if (options.SuppressionsMarkdown is { } markdown)
{
    File.WriteAllText(markdown, Reports.SuppressionsMarkdown(results));
}

return results.All(r => r.Passed) ? 0 : 1;
