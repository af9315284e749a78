using System.Text.Json.Nodes;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The health gate between canary and fleet: configuration section <c>edge.healthGate</c>, passed by the edge
/// workflow to the EvaluateFleetHealth Lambda as <c>healthGate</c> (JSON names: the members in camelCase).
/// </summary>
/// <param name="PollIntervalSeconds">Seconds between deployment and health polls (5-3600). Default: 60.</param>
/// <param name="SoakMinutes">Minutes every canary device must report healthy (0-1440). Default: 15.</param>
/// <param name="MaxErrorRate">Highest tolerated inference error rate, failed frames / frames (0-1). Default: 0.05.</param>
/// <param name="MinFramesPerDevice">Frames a device must have processed for its health to count. Default: 10.</param>
/// <param name="MaxDeploymentMinutes">Minutes a deployment may stay in progress before it is rolled back. Default: 60.</param>
/// <param name="HeartbeatMaxAgeSeconds">Seconds after which a device's last health heartbeat no longer counts (30-3600). Default: 300.</param>
public sealed record HealthGateSettings(
    int PollIntervalSeconds = 60,
    int SoakMinutes = 15,
    double MaxErrorRate = 0.05,
    int MinFramesPerDevice = 10,
    int MaxDeploymentMinutes = 60,
    int HeartbeatMaxAgeSeconds = 300)
{
    /// <summary>Every member at its default.</summary>
    public static HealthGateSettings Default { get; } = new();

    /// <summary>Bounds on the canary's shadow evaluation (<c>healthGate.shadow</c>; issue 14). Default: <see cref="ShadowGateSettings.Default"/>.</summary>
    public ShadowGateSettings Shadow { get; init; } = ShadowGateSettings.Default;

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

    /// <summary>Reads the workflow's <c>healthGate</c> object; every member is required there (the workflow passes all).</summary>
    public static HealthGateSettings FromJson(JsonObject json) => new(
        Required<int>(json, "pollIntervalSeconds"),
        Required<int>(json, "soakMinutes"),
        Required<double>(json, "maxErrorRate"),
        Required<int>(json, "minFramesPerDevice"),
        Required<int>(json, "maxDeploymentMinutes"),
        Required<int>(json, "heartbeatMaxAgeSeconds"))
    {
        Shadow = ShadowGateSettings.FromJson(json["shadow"] as JsonObject),
    };

    private static T Required<T>(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<T>(out var result)
            ? result
            : throw new ArgumentException($"healthGate.{name} is required (a number), got {json[name]?.ToJsonString() ?? "nothing"}");
}
