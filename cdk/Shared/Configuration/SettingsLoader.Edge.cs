using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>edge</c>; owned by the edge deployment app.</summary>
public static partial class SettingsLoader
{
    private static EdgeSettings ReadEdge(SettingsReader r, string resourcePrefix)
    {
        var canary = r.Text(SettingsSchema.Edge.CanaryThingGroup) ?? $"{resourcePrefix}-canary";
        var fleet = r.Text(SettingsSchema.Edge.FleetThingGroup) ?? $"{resourcePrefix}-fleet";
        if (canary == fleet)
        {
            r.Problem(SettingsSchema.Edge.FleetThingGroup, $"must differ from canaryThingGroup, both are '{fleet}'");
        }

        var inference = r.Text(SettingsSchema.Edge.InferenceComponentName)!;
        var model = r.Text(SettingsSchema.Edge.ModelComponentName)!;
        if (inference == model)
        {
            r.Problem(SettingsSchema.Edge.ModelComponentName, $"must differ from inferenceComponentName, both are '{model}'");
        }

        var settings = new EdgeSettings
        {
            CanaryThingGroup = canary,
            FleetThingGroup = fleet,
            InferenceComponentName = inference,
            ModelComponentName = model,
            TopicPrefix = r.Text(SettingsSchema.Edge.TopicPrefix)!,
            Rollout = new RolloutSettings
            {
                MaximumPerMinute = r.Integer(SettingsSchema.Edge.MaximumPerMinute),
                AbortFailurePercent = r.Number(SettingsSchema.Edge.AbortFailurePercent)!.Value,
                AbortMinExecutedThings = r.Integer(SettingsSchema.Edge.AbortMinExecutedThings),
                JobTimeoutMinutes = r.Integer(SettingsSchema.Edge.JobTimeoutMinutes),
                ComponentUpdateTimeoutSeconds = r.Integer(SettingsSchema.Edge.ComponentUpdateTimeoutSeconds),
                ConfigurationValidationTimeoutSeconds = r.Integer(SettingsSchema.Edge.ConfigurationValidationTimeoutSeconds),
            },
            HealthGate = new HealthGateSettings
            {
                SoakMinutes = r.Integer(SettingsSchema.Edge.SoakMinutes),
                MaxErrorRate = r.Number(SettingsSchema.Edge.MaxErrorRate)!.Value,
                MinFramesPerDevice = r.Integer(SettingsSchema.Edge.MinFramesPerDevice),
                PollIntervalSeconds = r.Integer(SettingsSchema.Edge.HealthPollIntervalSeconds),
                MaxDeploymentMinutes = r.Integer(SettingsSchema.Edge.MaxDeploymentMinutes),
                HeartbeatMaxAgeSeconds = r.Integer(SettingsSchema.Edge.HeartbeatMaxAgeSeconds),
                Shadow = new ShadowGateSettings
                {
                    MinFramesCompared = r.Integer(SettingsSchema.Edge.ShadowMinFramesCompared),
                    MaxMissedDefectShare = r.Number(SettingsSchema.Edge.ShadowMaxMissedDefectShare)!.Value,
                    MaxDefectRateDifference = r.Number(SettingsSchema.Edge.ShadowMaxDefectRateDifference)!.Value,
                    MinBoxF1 = r.Number(SettingsSchema.Edge.ShadowMinBoxF1)!.Value,
                    MaxLatencyRatio = r.Number(SettingsSchema.Edge.ShadowMaxLatencyRatio)!.Value,
                },
            },
            Inference = new InferenceRuntimeSettings
            {
                ConfidenceThreshold = r.Number(SettingsSchema.Edge.ConfidenceThreshold)!.Value,
                IouThreshold = r.Number(SettingsSchema.Edge.IouThreshold)!.Value,
                ShadowSampleEvery = r.Integer(SettingsSchema.Edge.ShadowSampleEvery),
                FrameIntervalMs = r.Integer(SettingsSchema.Edge.FrameIntervalMs),
                HealthIntervalSeconds = r.Integer(SettingsSchema.Edge.HealthIntervalSeconds),
            },
            Drift = new EdgeDriftSettings
            {
                Enabled = r.Boolean(SettingsSchema.Edge.DriftEnabled),
                WindowFrames = r.Integer(SettingsSchema.Edge.DriftWindowFrames),
                MinFrames = r.Integer(SettingsSchema.Edge.DriftMinFrames),
                Threshold = r.Number(SettingsSchema.Edge.DriftThreshold)!.Value,
                BoostSampleFraction = r.Number(SettingsSchema.Edge.DriftBoostSampleFraction)!.Value,
                BoostMinutes = r.Integer(SettingsSchema.Edge.DriftBoostMinutes),
            },
            RequireManualApproval = r.Boolean(SettingsSchema.Edge.RequireManualApproval),
            ExpectedFleetSize = r.Integer(SettingsSchema.Edge.ExpectedFleetSize),
            DigitalTwin = new DigitalTwinSettings
            {
                Enabled = r.Boolean(SettingsSchema.Edge.DigitalTwinEnabled),
                InstanceType = r.Text(SettingsSchema.Edge.DigitalTwinInstanceType)!,
                NucleusVersion = r.Text(SettingsSchema.Edge.DigitalTwinNucleusVersion)!,
            },
        };

        if (settings.Drift.MinFrames > settings.Drift.WindowFrames)
        {
            r.Problem(SettingsSchema.Edge.DriftMinFrames, $"must be at most edge.drift.windowFrames ({settings.Drift.WindowFrames}), got {settings.Drift.MinFrames}");
        }

        if (settings.HealthGate.MaxDeploymentMinutes < settings.Rollout.JobTimeoutMinutes)
        {
            r.Problem(SettingsSchema.Edge.MaxDeploymentMinutes, $"must be at least edge.rollout.jobTimeoutMinutes ({settings.Rollout.JobTimeoutMinutes}), got {settings.HealthGate.MaxDeploymentMinutes}");
        }

        if (settings.HealthGate.HeartbeatMaxAgeSeconds < settings.HealthGate.PollIntervalSeconds)
        {
            r.Problem(SettingsSchema.Edge.HeartbeatMaxAgeSeconds, $"must be at least edge.healthGate.pollIntervalSeconds ({settings.HealthGate.PollIntervalSeconds}), got {settings.HealthGate.HeartbeatMaxAgeSeconds}");
        }

        // Two heartbeats per maximum age: one lost message must not make a healthy device look stale.
        if (settings.Inference.HealthIntervalSeconds * 2 > settings.HealthGate.HeartbeatMaxAgeSeconds)
        {
            r.Problem(SettingsSchema.Edge.HealthIntervalSeconds, $"must be at most half of edge.healthGate.heartbeatMaxAgeSeconds ({settings.HealthGate.HeartbeatMaxAgeSeconds}), got {settings.Inference.HealthIntervalSeconds}");
        }

        // One release must fit the Step Functions history quota with the fleet it is sized for: a rate and a
        // limit that cannot cover edge.fleet.expectedSize are refused here rather than failing a release.
        var events = EdgeReleaseHistory.WorstCaseEvents(settings);
        if (events > EdgeReleaseHistory.QuotaEvents)
        {
            r.Problem(SettingsSchema.Edge.ExpectedFleetSize,
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

    /// <summary>
    /// Worst-case events of a release to the expected fleet (the canary counted as a group the rate notifies within a
    /// minute). The canary is watched twice when the release has a current model: the candidate in shadow, then serving.
    /// </summary>
    public static int WorstCaseEvents(EdgeSettings edge)
    {
        var canary = Math.Min(edge.ExpectedFleetSize, edge.Rollout.MaximumPerMinute);
        return FixedEvents + LockWaitEvents
            + (2 * WorstCasePolls(edge, canary) * EventsPerPoll(canary))
            + (WorstCasePolls(edge, edge.ExpectedFleetSize) * EventsPerPoll(edge.ExpectedFleetSize));
    }
}
