using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.Summary;

// Prints the short summary of README command (1): each app, its stacks and resource counts, each gate's result,
// where the outputs are, and a last line PASS or FAIL.
var options = ParseOptions(args);
var cdkOut = options.GetValueOrDefault("--cdk-out", "cdk.out");
var stacks = CloudAssemblySummary.Read(cdkOut);

Console.WriteLine();
Console.WriteLine("EdgeMlOpsInfra — synthesized apps");
Console.WriteLine(new string('-', 96));
Console.WriteLine($"{"App",-16}{"Where",-36}{"Stack",-36}{"Resources",8}");
foreach (var group in stacks.GroupBy(AppOf).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    foreach (var stack in group.OrderBy(s => s.Assembly, StringComparer.Ordinal).ThenBy(s => s.StackName, StringComparer.Ordinal))
    {
        var where = stack.Assembly == "(app)" ? "asset pipeline" : stack.Assembly.Contains('/', StringComparison.Ordinal) ? $"pipeline stage {stack.Assembly}" : $"dev stage {stack.Assembly}";
        Console.WriteLine($"{group.Key,-16}{Truncate(where, 35),-36}{Truncate(stack.StackName, 35),-36}{stack.ResourceCount,8}");
    }
}

Console.WriteLine(new string('-', 96));
Console.WriteLine($"{stacks.Count} stacks, {stacks.Sum(s => s.ResourceCount).ToString(CultureInfo.InvariantCulture)} resources");

var exitCode = 0;
var failedGates = new List<string>();
var gateCount = 0;
if (options.TryGetValue("--gates-json", out var gatesFile))
{
    Console.WriteLine();
    Console.WriteLine("Quality gates");
    Console.WriteLine(new string('-', 96));
    var gates = JsonNode.Parse(File.ReadAllText(gatesFile))!;
    foreach (var gate in GateEntries(gates))
    {
        var passed = gate["passed"]?.GetValue<bool>() ?? false;
        var name = gate["name"]?.GetValue<string>() ?? gate["gate"]?.GetValue<string>() ?? "?";
        exitCode |= passed ? 0 : 1;
        gateCount++;
        if (!passed)
        {
            failedGates.Add(name);
        }

        Console.WriteLine($"  {(passed ? "PASS" : "FAIL"),-6}{name,-44}{Describe(gate)}");
    }
}

if (options.TryGetValue("--demo-json", out var demoFile) && File.Exists(demoFile))
{
    Console.WriteLine();
    Console.WriteLine("Edge component demo");
    Console.WriteLine(new string('-', 96));
    Console.WriteLine(File.ReadAllText(demoFile).Trim());
}

// Where everything is, then one verdict line: the last thing a first-time user reads.
var produced = new (string Label, string? Path)[]
{
    ("cloud assembly", cdkOut),
    ("gate results", options.GetValueOrDefault("--gates-json")),
    ("suppressions", options.GetValueOrDefault("--suppressions-md")),
    ("edge demo results", options.GetValueOrDefault("--demo-results")),
};
Console.WriteLine();
Console.WriteLine("Produced");
Console.WriteLine(new string('-', 96));
foreach (var (label, path) in produced)
{
    if (path is not null && (File.Exists(path) || Directory.Exists(path)))
    {
        Console.WriteLine($"  {label,-20}{Path.GetFullPath(path)}");
    }
}

Console.WriteLine();
Console.WriteLine(exitCode == 0
    ? $"PASS: {stacks.Count} stacks synthesized{(gateCount > 0 ? $", {gateCount} quality gates passed" : string.Empty)}"
    : $"FAIL: quality gate{(failedGates.Count == 1 ? "" : "s")} {string.Join(", ", failedGates)} failed (details in the gate output above)");
return exitCode;

static string AppOf(StackSummary stack)
{
    var name = stack.Assembly == "(app)" ? stack.StackName : stack.Assembly;
    var first = name.Split('/', '-')[0];
    return first.Replace("Pipeline", string.Empty, StringComparison.Ordinal) switch
    {
        "Labeling" => "labeling",
        "Training" => "training",
        "EdgeDeployment" => "edge",
        var other => other,
    };
}

static IEnumerable<JsonNode> GateEntries(JsonNode gates) => gates switch
{
    JsonArray array => array.OfType<JsonNode>(),
    JsonObject obj when obj["gates"] is JsonArray array => array.OfType<JsonNode>(),
    _ => [],
};

static string Describe(JsonNode gate)
{
    var parts = new List<string>();
    foreach (var key in new[] { "checked", "failures", "suppressions" })
    {
        var value = gate[key];
        if (value is JsonArray array)
        {
            parts.Add($"{array.Count} {key}");
        }
        else if (value is not null)
        {
            parts.Add($"{value} {key}");
        }
    }

    return string.Join(", ", parts);
}

static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    return options;
}
