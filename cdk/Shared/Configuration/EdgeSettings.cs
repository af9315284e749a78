using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Settings of the edge deployment app (section <c>edge</c>). Defaults, ranges and meanings of the keys: <see cref="SettingsSchema"/>.</summary>
public sealed record EdgeSettings
{
    /// <summary>Thing group that receives every new model first.</summary>
    public required string CanaryThingGroup { get; init; }

    /// <summary>Thing group of the whole fleet.</summary>
    public required string FleetThingGroup { get; init; }

    /// <summary>Greengrass component name of the inference application.</summary>
    public required string InferenceComponentName { get; init; }

    /// <summary>Greengrass component name of the model.</summary>
    public required string ModelComponentName { get; init; }

    /// <summary>MQTT topic prefix of results and health messages.</summary>
    public required string TopicPrefix { get; init; }

    public required RolloutSettings Rollout { get; init; }

    /// <summary>Health gate between canary and fleet (section <c>edge.healthGate</c>; defaults in the contract type).</summary>
    public required HealthGateSettings HealthGate { get; init; }

    /// <summary>Inference settings every deployment merges into the inference component's configuration.</summary>
    public required InferenceRuntimeSettings Inference { get; init; }

    /// <summary>Drift monitoring on the devices, merged into the inference component's configuration by every rollout.</summary>
    public required EdgeDriftSettings Drift { get; init; }

    /// <summary>Wait for a person to approve before the fleet rollout.</summary>
    public required bool RequireManualApproval { get; init; }

    /// <summary>
    /// Devices the fleet group is sized for (<c>edge.fleet.expectedSize</c>, 1-1,000,000): the loader refuses rollout
    /// and health-gate settings under which a release to this many devices cannot fit the Step Functions history
    /// quota.
    /// </summary>
    public required int ExpectedFleetSize { get; init; }

    public required DigitalTwinSettings DigitalTwin { get; init; }
}

/// <summary>IoT job rollout of a Greengrass deployment (section <c>edge.rollout</c>).</summary>
public sealed record RolloutSettings
{
    /// <summary>Devices notified per minute (the IoT job rollout rate; also lengthens the health gate's deployment limit by the rollout time).</summary>
    public required int MaximumPerMinute { get; init; }

    /// <summary>Failure percentage that aborts the rollout.</summary>
    public required double AbortFailurePercent { get; init; }

    /// <summary>Devices that must have run before the abort threshold applies.</summary>
    public required int AbortMinExecutedThings { get; init; }

    /// <summary>Minutes a device may take for the deployment before it times out.</summary>
    public required int JobTimeoutMinutes { get; init; }

    /// <summary>Seconds components get to defer an update.</summary>
    public required int ComponentUpdateTimeoutSeconds { get; init; }

    /// <summary>Seconds components get to validate new configuration.</summary>
    public required int ConfigurationValidationTimeoutSeconds { get; init; }
}

/// <summary>
/// Runtime settings of the inference component on every device (section <c>edge.inference</c>). Each deployment
/// merges them into the component's configuration, which the component reads over IPC, so a change needs a new
/// rollout but no new component build.
/// </summary>
public sealed record InferenceRuntimeSettings
{
    /// <summary>Minimum confidence of a reported detection (0-1).</summary>
    public required double ConfidenceThreshold { get; init; }

    /// <summary>Non-maximum-suppression IoU threshold (0-1).</summary>
    public required double IouThreshold { get; init; }

    /// <summary>Pause between frames of the simulated camera in milliseconds (0-60000).</summary>
    public required int FrameIntervalMs { get; init; }

    /// <summary>Seconds between health heartbeats (1-3600, at most half of healthGate.heartbeatMaxAgeSeconds).</summary>
    public required int HealthIntervalSeconds { get; init; }

    /// <summary>On the canary in shadow, the candidate runs on one frame in this many (1-1000). Default: 16.</summary>
    public int ShadowSampleEvery { get; init; } = EdgeMlOps.Contracts.ShadowEvaluation.Defaults.SampleEvery;
}

/// <summary>Drift monitoring on the devices (section <c>edge.drift</c>; defaults in InferenceConfiguration.Defaults).</summary>
public sealed record EdgeDriftSettings
{
    public required bool Enabled { get; init; }

    public required int WindowFrames { get; init; }

    public required int MinFrames { get; init; }

    public required double Threshold { get; init; }

    public required double BoostSampleFraction { get; init; }

    public required int BoostMinutes { get; init; }
}

/// <summary>Optional EC2 digital twin of a device (section <c>edge.digitalTwin</c>).</summary>
public sealed record DigitalTwinSettings
{
    /// <summary>Create the twin.</summary>
    public required bool Enabled { get; init; }

    /// <summary>EC2 instance type.</summary>
    public required string InstanceType { get; init; }

    /// <summary>Pinned Greengrass nucleus version.</summary>
    public required string NucleusVersion { get; init; }
}
