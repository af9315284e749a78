using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.LocalTwin;

// Usage: EdgeMlOps.LocalTwin [--env twin] [--time-scale 10] [--work-dir <folder>]
var environment = "twin";
var timeScale = 10;
string? workDirectory = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--env" when i + 1 < args.Length:
            environment = args[++i];
            break;
        case "--time-scale" when i + 1 < args.Length && int.TryParse(args[i + 1], out var scale):
            timeScale = scale;
            i++;
            break;
        case "--work-dir" when i + 1 < args.Length:
            workDirectory = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: EdgeMlOps.LocalTwin [--env twin] [--time-scale 10] [--work-dir <folder>]");
            return 2;
    }
}

try
{
    var root = RepositoryLocator.FindRoot(Directory.GetCurrentDirectory());
    var report = await TwinRun.RunAsync(new TwinOptions
    {
        RepositoryRoot = root,
        EnvironmentName = environment,
        TimeScale = timeScale,
        WorkDirectory = workDirectory,
        Progress = Console.WriteLine,
    });
    // The steps were printed as they ran: print only the outcome here; the file holds the whole report.
    Console.WriteLine();
    Console.Write(report.RenderSummary());
    var reportFile = Path.Combine(workDirectory ?? Path.Combine(root, ".build", "twin"), "report.txt");
    await File.WriteAllTextAsync(reportFile, report.Render());
    Console.WriteLine($"full report: {reportFile}");
    return report.AllAsIntended ? 0 : 1;
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
