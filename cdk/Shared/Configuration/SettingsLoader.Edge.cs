using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>edge</c>; owned by the edge deployment app.</summary>
public static partial class SettingsLoader
{
    private static EdgeSettings ReadEdge(ConfigSection s, string resourcePrefix)
    {
        var canary = s.OptionalString("canaryThingGroup", $"{resourcePrefix}-canary", "a thing group name (letters, digits, ':_-', up to 128)", ThingGroupPattern())!;
        var fleet = s.OptionalString("fleetThingGroup", $"{resourcePrefix}-fleet", "a thing group name (letters, digits, ':_-', up to 128)", ThingGroupPattern())!;
        if (canary == fleet)
        {
            s.Problem("fleetThingGroup", $"must differ from canaryThingGroup, both are '{fleet}'");
        }

        var inference = s.OptionalString("inferenceComponentName", "com.edgemlops.Inference", "a component name (letters, digits, '._-', up to 128)", ComponentNamePattern())!;
        var model = s.OptionalString("modelComponentName", "com.edgemlops.Model", "a component name (letters, digits, '._-', up to 128)", ComponentNamePattern())!;
        if (inference == model)
        {
            s.Problem("modelComponentName", $"must differ from inferenceComponentName, both are '{model}'");
        }

        var rollout = s.Section("rollout");
        var health = s.Section("healthGate");
        var runtime = s.Section("inference");
        var twin = s.Section("digitalTwin");
        var fleetSection = s.Section("fleet");
        var settings = new EdgeSettings
        {
            CanaryThingGroup = canary,
            FleetThingGroup = fleet,
            InferenceComponentName = inference,
            ModelComponentName = model,
            TopicPrefix = s.OptionalString("topicPrefix", "edgemlops", "an MQTT topic prefix without wildcards or leading '/'", TopicPrefixPattern())!,
            Rollout = new RolloutSettings
            {
                MaximumPerMinute = rollout.Int("maximumPerMinute", 500, 1, 1_000),
                AbortFailurePercent = rollout.Double("abortFailurePercent", 10, 0, 100),
                AbortMinExecutedThings = rollout.Int("abortMinExecutedThings", 1, 1, 1_000_000),
                JobTimeoutMinutes = rollout.Int("jobTimeoutMinutes", 60, 1, 10_080),
                ComponentUpdateTimeoutSeconds = rollout.Int("componentUpdateTimeoutSeconds", 60, 1, 3_600),
                ConfigurationValidationTimeoutSeconds = rollout.Int("configurationValidationTimeoutSeconds", 30, 1, 3_600),
            },
            HealthGate = new HealthGateSettings
            {
                SoakMinutes = health.Int("soakMinutes", HealthGateSettings.Default.SoakMinutes, 0, 1_440),
                MaxErrorRate = health.Double("maxErrorRate", HealthGateSettings.Default.MaxErrorRate, 0, 1),
                MinFramesPerDevice = health.Int("minFramesPerDevice", HealthGateSettings.Default.MinFramesPerDevice, 1, 1_000_000),
                PollIntervalSeconds = health.Int("pollIntervalSeconds", HealthGateSettings.Default.PollIntervalSeconds, 5, 3_600),
                MaxDeploymentMinutes = health.Int("maxDeploymentMinutes", HealthGateSettings.Default.MaxDeploymentMinutes, 1, 10_080),
                HeartbeatMaxAgeSeconds = health.Int("heartbeatMaxAgeSeconds", HealthGateSettings.Default.HeartbeatMaxAgeSeconds, 30, 3_600),
            },
            Inference = new InferenceRuntimeSettings
            {
                ConfidenceThreshold = runtime.Double("confidenceThreshold", InferenceConfiguration.Defaults.ConfidenceThreshold, 0, 1),
                IouThreshold = runtime.Double("iouThreshold", InferenceConfiguration.Defaults.IouThreshold, 0, 1),
                FrameIntervalMs = runtime.Int("frameIntervalMs", InferenceConfiguration.Defaults.FrameIntervalMs, 0, 60_000),
                HealthIntervalSeconds = runtime.Int("healthIntervalSeconds", InferenceConfiguration.Defaults.HealthIntervalSeconds, 1, 3_600),
            },
            RequireManualApproval = s.Bool("requireManualApproval", true),
            ExpectedFleetSize = fleetSection.Int("expectedSize", 10_000, 1, 1_000_000),
            DigitalTwin = new DigitalTwinSettings
            {
                Enabled = twin.Bool("enabled", false),
                InstanceType = twin.OptionalString("instanceType", "t3.medium", "an EC2 instance type such as t3.medium", Ec2InstanceTypePattern())!,
                NucleusVersion = twin.OptionalString("nucleusVersion", "2.14.3", "a Greengrass nucleus version such as 2.14.3", SemverPattern())!,
            },
        };

        if (settings.HealthGate.MaxDeploymentMinutes < settings.Rollout.JobTimeoutMinutes)
        {
            health.Problem("maxDeploymentMinutes", $"must be at least edge.rollout.jobTimeoutMinutes ({settings.Rollout.JobTimeoutMinutes}), got {settings.HealthGate.MaxDeploymentMinutes}");
        }

        if (settings.HealthGate.HeartbeatMaxAgeSeconds < settings.HealthGate.PollIntervalSeconds)
        {
            health.Problem("heartbeatMaxAgeSeconds", $"must be at least edge.healthGate.pollIntervalSeconds ({settings.HealthGate.PollIntervalSeconds}), got {settings.HealthGate.HeartbeatMaxAgeSeconds}");
        }

        // Two heartbeats per maximum age: one lost message must not make a healthy device look stale.
        if (settings.Inference.HealthIntervalSeconds * 2 > settings.HealthGate.HeartbeatMaxAgeSeconds)
        {
            runtime.Problem("healthIntervalSeconds", $"must be at most half of edge.healthGate.heartbeatMaxAgeSeconds ({settings.HealthGate.HeartbeatMaxAgeSeconds}), got {settings.Inference.HealthIntervalSeconds}");
        }

        // One release must fit the Step Functions history quota with the fleet it is sized for: a rate and a
        // limit that cannot cover edge.fleet.expectedSize are refused here rather than failing a release.
        var events = EdgeReleaseHistory.WorstCaseEvents(settings);
        if (events > EdgeReleaseHistory.QuotaEvents)
        {
            fleetSection.Problem("expectedSize",
                $"cannot be released within the Step Functions history quota of {EdgeReleaseHistory.QuotaEvents} events with these settings: " +
                $"a release to {settings.ExpectedFleetSize} devices at edge.rollout.maximumPerMinute {settings.Rollout.MaximumPerMinute}, polled every " +
                $"{settings.HealthGate.PollIntervalSeconds} s for up to {settings.HealthGate.MaxDeploymentMinutes} min plus the rollout time and a " +
                $"{settings.HealthGate.SoakMinutes} min soak, may need {events} events. Raise maximumPerMinute or pollIntervalSeconds, or lower maxDeploymentMinutes or soakMinutes");
        }

        return settings;
    }
}

/// <summary>
/// The worst-case execution history of one edge release (statemachines/edge-deployment.asl.json), counted as Step
/// Functions records events: a Task state costs 5 (entered, scheduled, started, succeeded or failed, exited), a
/// Pass, Choice or Wait state 2. Per health poll: the wait, DescribeJob, one page each of failed executions and
/// unhealthy core devices, two COUNT queries (a page per <see cref="DevicesPerCountPage"/> devices, each page a Task,
/// a Pass and a Choice), the failing-count choice and note, the gate Lambda, the decision and the carried watch.
/// </summary>
public static class EdgeReleaseHistory
{
    /// <summary>The Step Functions Standard workflow quota of history events per execution.</summary>
    public const int QuotaEvents = 25_000;

    /// <summary>Events of everything but the health polls (lock, package, component, deployments, rollback, notifications), generously.</summary>
    public const int FixedEvents = 400;

    /// <summary>Events of the bounded wait for another release's lock: 200 attempts of at most 25 events.</summary>
    public const int LockWaitEvents = 200 * 25;

    /// <summary>Health-table index entries one COUNT page (1 MB) covers at least (an entry holds about 150 bytes).</summary>
    public const int DevicesPerCountPage = 5_000;

    /// <summary>Events of one health poll of a group of <paramref name="devices"/> devices.</summary>
    public static int EventsPerPoll(int devices) => 42 + (2 * 9 * Math.Max(1, (int)Math.Ceiling(devices / (double)DevicesPerCountPage)));

    /// <summary>Polls of the longest watch of <paramref name="devices"/> devices: the deployment limit plus the rollout time, then the soak.</summary>
    public static int WorstCasePolls(EdgeSettings edge, int devices)
    {
        var gate = edge.HealthGate;
        var minutes = gate.MaxDeploymentMinutes + Math.Ceiling(devices / (double)edge.Rollout.MaximumPerMinute);
        return (int)Math.Ceiling(minutes * 60 / gate.PollIntervalSeconds) + Math.Max(1, (int)Math.Ceiling(gate.SoakMinutes * 60.0 / gate.PollIntervalSeconds));
    }

    /// <summary>Worst-case events of a release to the expected fleet (the canary counted as a group the rate notifies within a minute).</summary>
    public static int WorstCaseEvents(EdgeSettings edge)
    {
        var canary = Math.Min(edge.ExpectedFleetSize, edge.Rollout.MaximumPerMinute);
        return FixedEvents + LockWaitEvents
            + (WorstCasePolls(edge, canary) * EventsPerPoll(canary))
            + (WorstCasePolls(edge, edge.ExpectedFleetSize) * EventsPerPoll(edge.ExpectedFleetSize));
    }
}
