using System.Diagnostics;
using EdgeMlOps.Cdk.Tests.Configuration;

namespace EdgeMlOps.Cdk.Tests.App;

/// <summary>Runs the real CDK entry point as a process, the way <c>cdk synth</c> does.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void Invalid_configuration_exits_non_zero_lists_every_problem_and_synthesizes_nothing()
    {
        var workspace = Directory.CreateTempSubdirectory("cdk-program-").FullName;
        File.WriteAllText(Path.Combine(workspace, "cdk.json"), "{}");
        Directory.CreateDirectory(Path.Combine(workspace, "config"));
        var yaml = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "config", "dev.yaml"))
            .Replace("mapThreshold: 0.5", "mapThreshold: 1.7")
            .Replace("epochs: 50", "epochs: 0");
        File.WriteAllText(Path.Combine(workspace, "config", "bad.yaml"), yaml);
        var outdir = Path.Combine(workspace, "cdk.out");

        var (exitCode, stderr, _) = RunEntryPoint(workspace, outdir, """{"env":"bad"}""");

        Assert.Equal(1, exitCode);
        Assert.Contains("config/bad.yaml: training.epochs must be between 1 and 1000, got 0", stderr);
        Assert.Contains("config/bad.yaml: training.mapThreshold must be between 0 and 1, got 1.7", stderr);
        Assert.False(Directory.Exists(outdir) && Directory.EnumerateFiles(outdir, "*.template.json", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [MemberData(nameof(BadConfigurationCases.FormerCrashes), MemberType = typeof(BadConfigurationCases))]
    public void Bad_configuration_exits_non_zero_with_its_problems_and_no_stack_trace(string name)
    {
        var workspace = BadConfigurationCases.WriteWorkspace(name);
        File.WriteAllText(Path.Combine(workspace, "cdk.json"), "{}");
        var outdir = Path.Combine(workspace, "cdk.out");

        var (exitCode, stderr, stdout) = RunEntryPoint(workspace, outdir, """{"env":"bad"}""");

        var output = stderr + stdout;
        Assert.Equal(1, exitCode);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.Contains("Invalid configuration (", stderr, StringComparison.Ordinal);
        foreach (var expected in BadConfigurationCases.Cases[name].Expected)
        {
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
        }

        Directory.Delete(workspace, recursive: true);
    }

    private static (int ExitCode, string Stderr, string Stdout) RunEntryPoint(string workingDirectory, string outdir, string contextJson)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "EdgeMlOps.Cdk.App.dll")}\"")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["CDK_CONTEXT_JSON"] = contextJson;
        start.Environment["CDK_OUTDIR"] = outdir;
        start.Environment["JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result, stdout.Result);
    }
}
