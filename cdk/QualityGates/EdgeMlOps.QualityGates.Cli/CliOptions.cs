namespace EdgeMlOps.QualityGates.Cli;

/// <summary>Command-line options; relative paths are taken from the current directory.</summary>
public sealed record CliOptions
{
    public string? RepoRoot { get; init; }

    public string? CdkOut { get; init; }

    public string? StateMachines { get; init; }

    public string? JsonFile { get; init; }

    public string? SuppressionsMarkdown { get; init; }

    /// <summary>The assembly was synthesized for one app only: ASL files of the other apps are not missing deployments.</summary>
    public bool PartialAssembly { get; init; }

    public const string Usage = """
        Usage: edge-quality-gates [--repo-root DIR] [--cdk-out DIR] [--statemachines DIR] [--json FILE] [--suppressions-md FILE] [--partial-assembly]
          --repo-root DIR         repository root (default: the folder above the current one holding global.json)
          --cdk-out DIR           cloud assembly (default: <repo-root>/cdk.out)
          --statemachines DIR     folder of *.asl.json files (default: <repo-root>/statemachines)
          --json FILE             also write the results as JSON
          --suppressions-md FILE  also write the cfn-guard suppressions used as a Markdown table
          --partial-assembly      the assembly holds only some apps (cdk synth -c app=...): ASL files no state
                                  machine is built from are validated but not reported as not deployed
        Exit code: 0 all gates pass, 1 a gate fails, 2 bad usage or missing input.

               edge-quality-gates reorder [--check] FILE.asl.json...
          rewrites each ASL file with its states in the order an execution first visits them (--check: only
          report, exit 1 when a file is not in that order)
        """;

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CliOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--repo-root" => options with { RepoRoot = Value() },
                "--cdk-out" => options with { CdkOut = Value() },
                "--statemachines" => options with { StateMachines = Value() },
                "--json" => options with { JsonFile = Value() },
                "--suppressions-md" => options with { SuppressionsMarkdown = Value() },
                "--partial-assembly" => options with { PartialAssembly = true },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
