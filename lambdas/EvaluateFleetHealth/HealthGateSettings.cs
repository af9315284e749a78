using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>The <c>edge.healthGate</c> configuration, as the workflow passes it.</summary>
public sealed record HealthGateSettings(int PollIntervalSeconds, int SoakMinutes, double MaxErrorRate, int MinFramesPerDevice, int MaxDeploymentMinutes, int HeartbeatMaxAgeSeconds)
{
    /// <summary>Polls a deployment may stay in progress (or devices unproven) before it is rolled back.</summary>
    public int MaxProgressPolls => Math.Max(1, (int)Math.Ceiling(MaxDeploymentMinutes * 60.0 / PollIntervalSeconds));

    /// <summary>Consecutive all-healthy polls that make up the soak period (at least one).</summary>
    public int SoakPolls => Math.Max(1, (int)Math.Ceiling(SoakMinutes * 60.0 / PollIntervalSeconds));

    public static HealthGateSettings FromJson(JsonObject json) => new(
        Required<int>(json, "pollIntervalSeconds"),
        Required<int>(json, "soakMinutes"),
        Required<double>(json, "maxErrorRate"),
        Required<int>(json, "minFramesPerDevice"),
        Required<int>(json, "maxDeploymentMinutes"),
        Required<int>(json, "heartbeatMaxAgeSeconds"));

    private static T Required<T>(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<T>(out var result)
            ? result
            : throw new ArgumentException($"healthGate.{name} is required");
}
