using System.Globalization;

namespace EdgeMlOps.FleetStatus;

/// <summary>Command line of <c>fleet status</c>, checked once; every problem is reported together.</summary>
public sealed record FleetStatusOptions
{
    public const string Usage =
        "usage: fleet status --ledger-table NAME --health-table NAME --model-package-group NAME [--silent-after-seconds N] [--json]\n" +
        "  The table names are the edge stack's (SSM /<namePrefix>/<env>/edge/health-table-name; the ledger's name is an output of the stack).\n" +
        "  Credentials and region come from the usual AWS SDK chain (AWS_PROFILE, AWS_REGION, ...).";

    public required string LedgerTable { get; init; }

    public required string HealthTable { get; init; }

    public required string ModelPackageGroup { get; init; }

    /// <summary>A heartbeat older than this makes the device SILENT. Default: 300 s (10 health intervals of 30 s).</summary>
    public TimeSpan SilentAfter { get; init; } = TimeSpan.FromSeconds(300);

    public bool Json { get; init; }

    public static FleetStatusOptions Parse(IReadOnlyList<string> args)
    {
        var problems = new List<string>();
        if (args.Count == 0 || args[0] != "status")
        {
            throw new ArgumentException($"the only command is 'status', got '{(args.Count == 0 ? string.Empty : args[0])}'\n{Usage}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--ledger-table" or "--health-table" or "--model-package-group" or "--silent-after-seconds" when i + 1 < args.Count:
                    values[args[i]] = args[++i];
                    break;
                default:
                    problems.Add($"unknown or incomplete option '{args[i]}'");
                    break;
            }
        }

        string Required(string name)
        {
            if (values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v))
            {
                return v;
            }

            problems.Add($"{name} is required");
            return string.Empty;
        }

        var ledger = Required("--ledger-table");
        var health = Required("--health-table");
        var group = Required("--model-package-group");
        var silent = TimeSpan.FromSeconds(300);
        if (values.TryGetValue("--silent-after-seconds", out var s))
        {
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                silent = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                problems.Add($"--silent-after-seconds must be a positive whole number of seconds, got '{s}'");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"{string.Join("; ", problems)}\n{Usage}");
        }

        return new FleetStatusOptions { LedgerTable = ledger, HealthTable = health, ModelPackageGroup = group, SilentAfter = silent, Json = json };
    }
}
