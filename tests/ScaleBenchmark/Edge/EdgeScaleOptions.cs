namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>Size of the edge release scenarios: the canary and fleet thing groups.</summary>
public sealed record EdgeScaleOptions
{
    /// <summary>Scenarios 1–4 of issue 13: a canary of 50 devices and a fleet of 10,000 (<c>edge.fleet.expectedSize</c>'s default).</summary>
    public static EdgeScaleOptions Production { get; } = new();

    /// <summary>Devices in the canary thing group. Default: 50.</summary>
    public int CanaryDevices { get; init; } = 50;

    /// <summary>Devices in the fleet thing group (disjoint from the canary). Default: 10,000.</summary>
    public int FleetDevices { get; init; } = 10_000;

    /// <summary>Canary devices whose inference component reports ERRORED (scenario 2). Default: 3.</summary>
    public int ErroredCanaryDevices { get; init; } = 3;

    /// <summary>Characters of the error text those devices send (the health rule keeps 256). Default: 520.</summary>
    public int ErrorTextLength { get; init; } = 520;

    /// <summary>Fleet devices whose deployment job execution FAILS (scenario 3), spread over the first rollout minute. Default: 5.</summary>
    public int FailingFleetDevices { get; init; } = 5;
}
