using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>The <c>edge.healthGate</c> configuration, as the workflow passes it.</summary>
public sealed record HealthGateSettings(int PollIntervalSeconds, int SoakMinutes, double MaxErrorRate, int MinFramesPerDevice, int MaxDeploymentMinutes, int HeartbeatMaxAgeSeconds)
{
    /// <summary>
    /// Minutes a deployment to <paramref name="devices"/> devices may stay in progress (or devices unproven) before
    /// it is rolled back: the configured limit plus the time the IoT job's rollout rate needs to notify every device,
    /// so the bound follows the rollout instead of cutting a large fleet short.
    /// </summary>
    public int AllowedDeploymentMinutes(int devices, int rolloutMaximumPerMinute) =>
        MaxDeploymentMinutes + (int)Math.Ceiling(Math.Max(0, devices) / (double)Math.Max(1, rolloutMaximumPerMinute));

    /// <summary>Polls matching <see cref="AllowedDeploymentMinutes"/> (at least one).</summary>
    public int MaxProgressPolls(int devices, int rolloutMaximumPerMinute) =>
        Math.Max(1, (int)Math.Ceiling(AllowedDeploymentMinutes(devices, rolloutMaximumPerMinute) * 60.0 / PollIntervalSeconds));

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
