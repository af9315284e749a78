using System.Globalization;
using EdgeMlOps.ScaleBenchmark;

// scripts/scale.sh: runs every registered scenario, prints one line each, and a summary line last.
// Arguments: scenario name filters (substring match); none runs all.
var filters = args;
var scenarios = ScaleScenarios.All.Where(s => filters.Length == 0 || filters.Any(f => s.Name.Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();
var results = new List<ScaleScenarioResult>();
foreach (var scenario in scenarios)
{
    var started = System.Diagnostics.Stopwatch.StartNew();
    ScaleScenarioResult result;
    try
    {
        result = await scenario.RunAsync(CancellationToken.None);
    }
    catch (Exception e)
    {
        result = new ScaleScenarioResult(scenario.Name, $"harness error: {e.GetType().Name}: {e.Message}", false, 0, 0);
    }

    results.Add(result);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result} ({started.Elapsed.TotalSeconds:F0} s)"));
}

string Optional(Func<ScaleScenarioResult, double?> pick, string format) =>
    results.Select(pick).Where(v => v is not null).Max() is { } max ? max.ToString(format, CultureInfo.InvariantCulture) : "n/a";

var ok = results.Count > 0 && results.All(r => r.WithinTargets);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"scale: devices={results.Select(r => r.Devices).DefaultIfEmpty().Max()} objects={results.Select(r => r.Objects).DefaultIfEmpty().Max()} " +
    $"max_history_events={results.Select(r => r.HistoryEvents).DefaultIfEmpty().Max()} max_payload_bytes={results.Select(r => r.PayloadBytes).DefaultIfEmpty().Max()} " +
    $"gate_ms={Optional(r => r.GateMilliseconds, "F0")} gate_mb={Optional(r => r.GateMegabytes, "F2")} outcome={(ok ? "ok" : "failed")}"));
return ok ? 0 : 1;
