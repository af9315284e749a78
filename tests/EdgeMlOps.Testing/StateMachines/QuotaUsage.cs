using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>What one execution used of the service quotas (see <see cref="ServiceQuotas"/>).</summary>
/// <param name="HistoryEvents">History events as Step Functions records them (README, "Quotas").</param>
/// <param name="MaxPayloadBytes">The largest state input/output, task parameters/result, Map item or execution input/output, in UTF-8 bytes.</param>
/// <param name="MaxPayloadAt">Which value that was, e.g. "The result of Task state 'X'".</param>
/// <param name="SimulatedSeconds">Real run time plus the waits and retry intervals the harness skipped.</param>
/// <param name="MapConcurrency">Peak concurrently running iterations per inline Map state.</param>
public sealed record QuotaUsage(
    int HistoryEvents,
    int MaxPayloadBytes,
    string? MaxPayloadAt,
    double SimulatedSeconds,
    IReadOnlyDictionary<string, int> MapConcurrency)
{
    internal static QuotaUsage From(JsonNode? report)
    {
        var concurrency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (state, peak) in report?["mapConcurrency"] as JsonObject ?? [])
        {
            concurrency[state] = peak?.GetValue<int>() ?? 0;
        }

        return new QuotaUsage(
            report?["historyEvents"]?.GetValue<int>() ?? 0,
            report?["maxPayloadBytes"]?.GetValue<int>() ?? 0,
            report?["maxPayloadAt"]?.GetValue<string>(),
            report?["simulatedSeconds"]?.GetValue<double>() ?? 0,
            concurrency);
    }
}
