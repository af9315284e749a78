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
        var settings = new EdgeSettings
        {
            CanaryThingGroup = canary,
            FleetThingGroup = fleet,
            InferenceComponentName = inference,
            ModelComponentName = model,
            TopicPrefix = s.OptionalString("topicPrefix", "edgemlops", "an MQTT topic prefix without wildcards or leading '/'", TopicPrefixPattern())!,
            Rollout = new RolloutSettings
            {
                MaximumPerMinute = rollout.Int("maximumPerMinute", 10, 1, 1_000),
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

        return settings;
    }
}
