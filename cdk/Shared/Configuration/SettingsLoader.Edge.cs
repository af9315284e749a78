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
            },
            Inference = new InferenceRuntimeSettings
            {
                ConfidenceThreshold = r.Number(SettingsSchema.Edge.ConfidenceThreshold)!.Value,
                IouThreshold = r.Number(SettingsSchema.Edge.IouThreshold)!.Value,
                FrameIntervalMs = r.Integer(SettingsSchema.Edge.FrameIntervalMs),
                HealthIntervalSeconds = r.Integer(SettingsSchema.Edge.HealthIntervalSeconds),
            },
            RequireManualApproval = r.Boolean(SettingsSchema.Edge.RequireManualApproval),
            DigitalTwin = new DigitalTwinSettings
            {
                Enabled = r.Boolean(SettingsSchema.Edge.DigitalTwinEnabled),
                InstanceType = r.Text(SettingsSchema.Edge.DigitalTwinInstanceType)!,
                NucleusVersion = r.Text(SettingsSchema.Edge.DigitalTwinNucleusVersion)!,
            },
        };

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

        return settings;
    }
}
