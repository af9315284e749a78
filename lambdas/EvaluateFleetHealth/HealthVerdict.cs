using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>WAIT (poll again), HEALTHY (the gate passed) or UNHEALTHY (roll back).</summary>
public enum Verdict
{
    Wait,
    Healthy,
    Unhealthy,
}

/// <summary>A device that failed the gate, or that still held it up when the watch ran out, and why.</summary>
public readonly record struct DeviceFinding(string ThingName, string Reason);

/// <summary>The decision of one poll, with the counters for the next one and a readable summary.</summary>
public sealed record HealthVerdict(Verdict Verdict, WatchState Watch, IReadOnlyList<DeviceFinding> FailedDevices, IReadOnlyList<DeviceFinding> PendingDevices, string Summary)
{
    public JsonObject ToJson() => new()
    {
        ["verdict"] = Verdict.ToString().ToUpperInvariant(),
        ["watch"] = new JsonObject { ["polls"] = Watch.Polls, ["healthyPolls"] = Watch.HealthyPolls },
        ["failedDevices"] = Findings(FailedDevices),
        ["pendingDevices"] = Findings(PendingDevices),
        ["summary"] = Summary,
    };

    private static JsonArray Findings(IReadOnlyList<DeviceFinding> findings) =>
        new(findings.Select(f => (JsonNode?)new JsonObject { ["thingName"] = f.ThingName, ["reason"] = f.Reason }).ToArray());
}
