using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>WAIT (poll again), HEALTHY (the gate passed) or UNHEALTHY (roll back).</summary>
public enum Verdict
{
    Wait,
    Healthy,
    Unhealthy,
}

/// <summary>A device that failed the gate, and why.</summary>
public readonly record struct DeviceFinding(string ThingName, string Reason);

/// <summary>The decision of one poll, with the counters for the next one, at most <see cref="HealthGate.MaxExamples"/> named devices and a readable summary with the counts.</summary>
public sealed record HealthVerdict(Verdict Verdict, WatchState Watch, IReadOnlyList<DeviceFinding> FailedDevices, string Summary)
{
    public JsonObject ToJson() => new()
    {
        ["verdict"] = Verdict.ToString().ToUpperInvariant(),
        ["watch"] = new JsonObject { ["polls"] = Watch.Polls, ["healthyPolls"] = Watch.HealthyPolls, ["heartbeatsSinceMs"] = Watch.HeartbeatsSinceMs },
        ["failedDevices"] = Findings(FailedDevices),
        ["summary"] = Summary,
    };

    private static JsonArray Findings(IReadOnlyList<DeviceFinding> findings) =>
        new(findings.Select(f => (JsonNode?)new JsonObject { ["thingName"] = f.ThingName, ["reason"] = f.Reason }).ToArray());
}
