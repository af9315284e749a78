using System.Text.RegularExpressions;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Every key of <c>config/&lt;env&gt;.yaml</c>, described once. The loader reads and validates each key through its
/// description here; the README's and docs' configuration tables are generated from <see cref="All"/>
/// (<c>bash scripts/config-docs.sh</c>), and a test fails when they differ. Change a default or a range here only.
/// </summary>
public static partial class SettingsSchema
{
    /// <summary>Greatest length of <c>&lt;namePrefix&gt;-&lt;env&gt;</c>: labeling job names are it plus 32 characters, at most 63.</summary>
    public const int MaxJobNamePrefixLength = 31;

    /// <summary>Greatest length of the class labels joined with '/': a SageMaker model package metadata value.</summary>
    public const int MaxJoinedClassLabelsLength = 256;

    /// <summary>Longest a public-workforce (Mechanical Turk) task may stay available: 12 hours (CreateLabelingJob).</summary>
    public const int PublicWorkforceMaxTaskAvailabilitySeconds = 43_200;

    private const string SchedulePhrase = "an EventBridge schedule expression, rate(<n> minute(s)|hour(s)|day(s)) or cron(...)";
    private const string PrefixPhrase = "an S3 prefix ending in '/'";
    private const string ThingGroupPhrase = "a thing group name (letters, digits, ':_-', up to 128)";
    private const string ComponentPhrase = "a component name (letters, digits, '._-', up to 128)";

    public static class Root
    {
        public static readonly TextSetting Account = new("account", "AWS account of every stack", null, "a 12-digit AWS account id (quote it in YAML)", AccountPattern())
        { Required = true, PerEnvironment = true };

        public static readonly TextSetting Region = new("region", "AWS region of every stack", null, "an AWS region such as eu-west-1", RegionPattern())
        { Required = true, PerEnvironment = true };

        public static readonly TextSetting NamePrefix = new(
            "namePrefix",
            "Prefix of resource names (`<namePrefix>-<env>-...`) and of the SSM contract (`/<namePrefix>/<env>/...`)",
            null,
            "lower-case letters, digits and hyphens, 2-20 characters, starting with a letter",
            NamePrefixPattern())
        {
            Required = true,
            PerEnvironment = true,
            Rule = $"`<namePrefix>-<env>` at most {MaxJobNamePrefixLength} characters without `--` or a trailing `-` (labeling job names)",
        };
    }

    /// <summary>
    /// A staged environment (<c>config/staged.yaml</c>): <c>account</c>/<c>region</c> are then the tooling account that
    /// holds the pipelines, and each app's pipeline deploys to these three accounts in order. Absent: one account.
    /// </summary>
    public static class Stages
    {
        private const string StagedRule = "all six `stages` keys together; the three accounts differ";

        public static readonly TextSetting DevAccount = new("stages.dev.account", "Staged environments: account where models are trained and registered (first deployment stage)", null, "a 12-digit AWS account id (quote it in YAML)", AccountPattern())
        { DefaultNote = "— (single account)", Rule = StagedRule, PerEnvironment = true };

        public static readonly TextSetting DevRegion = new("stages.dev.region", "Staged environments: region of the dev stage", null, "an AWS region such as eu-west-1", RegionPattern())
        { DefaultNote = "— (single account)", PerEnvironment = true };

        public static readonly TextSetting PreProductionAccount = new("stages.preProduction.account", "Staged environments: account of the pre-production fleet (the EC2 digital twin as canary) where a model must pass before production", null, "a 12-digit AWS account id (quote it in YAML)", AccountPattern())
        { DefaultNote = "— (single account)", PerEnvironment = true };

        public static readonly TextSetting PreProductionRegion = new("stages.preProduction.region", "Staged environments: region of the pre-production stage", null, "an AWS region such as eu-west-1", RegionPattern())
        { DefaultNote = "— (single account)", PerEnvironment = true };

        public static readonly TextSetting ProductionAccount = new("stages.production.account", "Staged environments: account of the production fleets, deployed after a manual approval", null, "a 12-digit AWS account id (quote it in YAML)", AccountPattern())
        { DefaultNote = "— (single account)", PerEnvironment = true };

        public static readonly TextSetting ProductionRegion = new("stages.production.region", "Staged environments: region of the production stage", null, "an AWS region such as eu-west-1", RegionPattern())
        { DefaultNote = "— (single account)", PerEnvironment = true };

        public static readonly TextSetting ProductionCaptureReplicaKeyArn = new("stages.production.captureReplicaKeyArn", "Staged environments: ARN of dev's labeling data key (dev's SSM parameter `labeling/data-bucket-key-arn`, known after dev's first deployment). Set: production replicates its captured frames (the labeling capture prefix) to dev's labeling data bucket, re-encrypted with this key, and dev labels them for retraining. Unset: production's images stay in production, unlabeled. The labeling schedule runs in dev only either way", null, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) of `stages.dev`'s account and region", KmsKeyArnPattern())
        { DefaultNote = "— (captures stay in production)" };

        /// <summary>The six keys, account before region, in stage order.</summary>
        public static IReadOnlyList<TextSetting> All { get; } = [DevAccount, DevRegion, PreProductionAccount, PreProductionRegion, ProductionAccount, ProductionRegion];
    }

    public static class Source
    {
        public static readonly ChoiceSetting Kind = new("sourceRepository.kind", "Where the asset and workflow pipelines take the repository from (GitHub, GitLab, Bitbucket through CodeConnections; CodeCommit; an S3 zip)", "codeconnections", "codeconnections", "codecommit", "s3")
        { Rule = "the `sourceRepository` section is required", PerEnvironment = true };

        public static readonly TextSetting ConnectionArn = new("sourceRepository.connectionArn", "CodeConnections connection", null, "a CodeConnections connection ARN (arn:aws:codeconnections:...:connection/...)", ConnectionArnPattern())
        { DefaultNote = "— for `codeconnections`", PerEnvironment = true };

        public static readonly TextSetting Repository = new("sourceRepository.repository", "`owner/name` (codeconnections) or the CodeCommit repository name", null, "owner/name (codeconnections) or a CodeCommit repository name", RepositoryPattern())
        { DefaultNote = "— for `codeconnections` and `codecommit`", PerEnvironment = true };

        public static readonly TextSetting Branch = new("sourceRepository.branch", "Branch the pipelines build", "main", "a branch name")
        { PerEnvironment = true };

        public static readonly TextSetting BucketName = new("sourceRepository.bucketName", "Bucket of the source zip", null, "an S3 bucket name", BucketNamePattern())
        { DefaultNote = "— for `s3`", PerEnvironment = true };

        public static readonly TextSetting ObjectKey = new("sourceRepository.objectKey", "Key of the source zip", null, "an S3 object key")
        { DefaultNote = "— for `s3`", PerEnvironment = true };
    }

    public static class Notifications
    {
        public static readonly ListSetting Emails = new("notifications.emails", "E-mail subscriptions of every app's notification topic", [], 0, "an e-mail address", EmailPattern())
        { PerEnvironment = true };
    }

    public static class Labeling
    {
        public static readonly TextSetting WorkteamArn = new("labeling.workteamArn", "Private workteam that labels and verifies", null, "a SageMaker private workteam ARN (arn:aws:sagemaker:<region>:<account>:workteam/private-crowd/<name>)", WorkteamArnPattern())
        { DefaultNote = "— (unless the public workforce is enabled)", Rule = "in `region`", PerEnvironment = true };

        public static readonly BooleanSetting PublicWorkforceEnabled = new("labeling.publicWorkforce.enabled", "Use the public (Mechanical Turk) workforce instead", false);

        public static readonly NumberSetting PublicWorkforceTaskPriceUsd = new("labeling.publicWorkforce.taskPriceUsd", "Price per task in US dollars for the public workforce (SageMaker's bounding-box prices)", null, 0.036, 1.2)
        {
            DefaultNote = "— (when enabled)",
            Values = [0.036, 0.048, 0.060, 0.072, 0.120, 0.240, 0.360, 0.480, 0.600, 0.720, 0.840, 0.960, 1.080, 1.200],
        };

        public static readonly TextSetting IncomingPrefix = new("labeling.incomingPrefix", "Where line cameras drop images; published in SSM", "images/incoming/", PrefixPhrase, PrefixPattern());

        public static readonly TextSetting CapturePrefix = new("labeling.capturePrefix", "Where edge devices upload uncertain images; published in SSM", CaptureLayout.DefaultPrefix, PrefixPhrase, PrefixPattern());

        public static readonly ListSetting ScanPrefixes = new("labeling.scanPrefixes", "Prefixes scanned for unlabeled images (Lambda environment, Ground Truth role reads)", [], 1, PrefixPhrase, PrefixPattern())
        { DefaultNote = "`[incomingPrefix, capturePrefix]`", Rule = "together they must cover `incomingPrefix` and `capturePrefix` (a parent such as `images/` does)" };

        public static readonly ListSetting ClassLabels = new(
            "labeling.classLabels",
            "Classes shown to workers; class id = index (UI label files, Lambda class check, model package metadata)",
            ["scratch"],
            1,
            "a class label of letters, digits, spaces and _ . : = + - @ (model package metadata allows no other characters, and '/' separates the labels)",
            ClassLabelPattern())
        { Rule = $"joined with `/` at most {MaxJoinedClassLabelsLength} characters" };

        public static readonly IntegerSetting MaxImagesPerJob = new("labeling.maxImagesPerJob", "Images per labeling job (oldest first), the job's `MaxHumanLabeledObjectCount`", 500, 1, 100_000);

        public static readonly IntegerSetting TaskTimeLimitSeconds = new("labeling.taskTimeLimitSeconds", "Seconds a worker has per task", 600, 30, 28_800);

        public static readonly IntegerSetting TaskAvailabilityLifetimeSeconds = new("labeling.taskAvailabilityLifetimeSeconds", "Seconds a task stays available to workers", 864_000, 60, 864_000)
        { Rule = $"at most {PublicWorkforceMaxTaskAvailabilitySeconds} (12 hours) with the public workforce" };

        public static readonly IntegerSetting MaxConcurrentTaskCount = new("labeling.maxConcurrentTaskCount", "Tasks offered at once", 100, 1, 5_000);

        public static readonly IntegerSetting WorkersPerObject = new("labeling.workersPerObject", "Workers per image", 1, 1, 9);

        public static readonly BooleanSetting VerificationEnabled = new("labeling.verification.enabled", "Run the verification job after labeling", true);

        public static readonly IntegerSetting PollIntervalSeconds = new("labeling.polling.intervalSeconds", "Seconds between job status polls", 300, 10, 3_600);

        public static readonly IntegerSetting MaxWaitHours = new("labeling.polling.maxWaitHours", "Wait per job before it is stopped (any value fits: the wait runs in poll windows of at most 1,000 polls, each a child execution)", 240, 1, 720);

        public static readonly TextSetting Schedule = new("labeling.schedule", "Schedule of the labeling workflow pipeline", "rate(1 day)", SchedulePhrase, SchedulePattern());

        public static readonly IntegerSetting PutRecordConcurrency = new("labeling.putRecordConcurrency", "Concurrent Feature Store `PutRecord` calls per chunk of the Distributed Map that writes the records", 10, 1, 40);
    }

    public static class Training
    {
        public static readonly TextSetting TrainingInstanceType = new("training.trainingInstanceType", "Instance of the training job (pipeline parameter `TrainingInstanceType`)", "ml.g4dn.xlarge", "a SageMaker instance type such as ml.g4dn.xlarge", InstanceTypePattern());

        public static readonly TextSetting ProcessingInstanceType = new("training.processingInstanceType", "Instance of the evaluation job (pipeline parameter `EvaluationInstanceType`)", "ml.m5.xlarge", "a SageMaker instance type such as ml.m5.xlarge", InstanceTypePattern());

        public static readonly IntegerSetting Epochs = new("training.epochs", "Training epochs", 50, 1, 1_000);

        public static readonly IntegerSetting ImageSize = new("training.imageSize", "Training, export and evaluation image size in pixels (stored in the ONNX metadata)", 640, 64, 2_048)
        { Rule = "a multiple of 32" };

        public static readonly IntegerSetting BatchSize = new("training.batchSize", "Training batch size", 16, 1, 512);

        public static readonly NumberSetting MapThreshold = new("training.mapThreshold", "Minimum mAP50 on the test split for a model to be registered", 0.5, 0, 1);

        public static readonly TextSetting Schedule = new("training.schedule", "EventBridge schedule of retraining", "cron(0 3 ? * SUN *)", SchedulePhrase, SchedulePattern());

        public static readonly ChoiceSetting ModelApprovalStatus = new("training.modelApprovalStatus", "Status of newly registered model packages (`Approved` deploys to the fleet without a person)", "PendingManualApproval", "PendingManualApproval", "Approved");

        public static readonly TextSetting PretrainedWeightsUri = new("training.pretrainedWeightsUri", "Pretrained YOLOv8 weights (pipeline parameter `PretrainedWeightsUri`); the pipeline role may read exactly this object", null, "an s3:// URI", S3UriPattern())
        { DefaultNote = "derived: `s3://<artifacts bucket>/pretrained/yolov8n.pt`" };

        public static readonly TextSetting ContainerImageUri = new(
            "training.containerImageUri",
            "Image of the training and evaluation jobs, which must hold the pinned requirements; the pipeline role may pull from this repository only",
            null,
            "an ECR image URI such as 763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311 (a tag or an @sha256: digest)",
            EcrImageUriPattern())
        { DefaultNote = "derived: the app's own image `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>-<env>-training:<content hash>`, built on the PyTorch DLC (docs/training.md, \"Job image\")" };

        public static readonly IntegerSetting MinNewLabelsToRetrain = new("training.minNewLabelsToRetrain", "New labels, summed over `LabelsUpdated` events since the last training started, that start a retraining", 50, 1, 1_000_000);

        public static readonly IntegerSetting SplitSeed = new("training.split.seed", "Seed of the train/validation/test hash split (`SplitSeed`); changing it reshuffles all splits", 42, 0, int.MaxValue);

        public static readonly IntegerSetting ValidationPercent = new("training.split.validationPercent", "Validation share in percent", 15, 1, 50);

        public static readonly IntegerSetting TestPercent = new("training.split.testPercent", "Held-out test share in percent", 15, 1, 50)
        { Rule = "with `validationPercent` at most 80" };

        public static readonly IntegerSetting PollIntervalSeconds = new("training.polling.intervalSeconds", "Seconds between pipeline status polls", 300, 10, 3_600);

        public static readonly IntegerSetting MaxWaitHours = new("training.polling.maxWaitHours", "Hours the workflow waits for a pipeline execution (also the jobs' maximum runtime)", 24, 1, 120)
        { Rule = "with `intervalSeconds` at most 900 polls (the wait loop runs in one execution: 13 history events per poll, kept under half of the 25,000-event limit)" };
    }

    public static class Edge
    {
        public static readonly TextSetting CanaryThingGroup = new("edge.canaryThingGroup", "Thing group that gets every model first", null, ThingGroupPhrase, ThingGroupPattern())
        { DefaultNote = "`<namePrefix>-<env>-canary`", Rule = "≠ `fleetThingGroup`" };

        public static readonly TextSetting FleetThingGroup = new("edge.fleetThingGroup", "Thing group of the whole fleet", null, ThingGroupPhrase, ThingGroupPattern())
        { DefaultNote = "`<namePrefix>-<env>-fleet`" };

        public static readonly TextSetting InferenceComponentName = new("edge.inferenceComponentName", "Greengrass name of the inference component", "com.edgemlops.Inference", ComponentPhrase, ComponentNamePattern())
        { Rule = "≠ `modelComponentName`" };

        public static readonly TextSetting ModelComponentName = new("edge.modelComponentName", "Greengrass name of the model component", "com.edgemlops.Model", ComponentPhrase, ComponentNamePattern());

        public static readonly TextSetting TopicPrefix = new("edge.topicPrefix", "MQTT prefix of `<prefix>/<thing>/inference/{results,health}` (policy, recipe, health rule)", "edgemlops", "an MQTT topic prefix without wildcards or leading '/'", TopicPrefixPattern());

        public static readonly IntegerSetting MaximumPerMinute = new("edge.rollout.maximumPerMinute", "IoT job rollout rate (devices notified per minute); also lengthens the health gate's deployment limit by the rollout time", 500, 1, 1_000);

        public static readonly NumberSetting AbortFailurePercent = new("edge.rollout.abortFailurePercent", "Failed executions (%) that cancel the job", 10, 0, 100);

        public static readonly IntegerSetting AbortMinExecutedThings = new("edge.rollout.abortMinExecutedThings", "Executions before the abort rule applies", 1, 1, 1_000_000);

        public static readonly IntegerSetting JobTimeoutMinutes = new("edge.rollout.jobTimeoutMinutes", "In-progress timeout of a device's job execution", 60, 1, 10_080);

        public static readonly IntegerSetting ComponentUpdateTimeoutSeconds = new("edge.rollout.componentUpdateTimeoutSeconds", "Time components get to defer an update", 60, 1, 3_600);

        public static readonly IntegerSetting ConfigurationValidationTimeoutSeconds = new("edge.rollout.configurationValidationTimeoutSeconds", "Time components get to validate configuration", 30, 1, 3_600);

        public static readonly IntegerSetting SoakMinutes = new("edge.healthGate.soakMinutes", "Time every device must stay healthy", HealthGateSettings.Default.SoakMinutes, 0, 1_440);

        public static readonly NumberSetting MaxErrorRate = new("edge.healthGate.maxErrorRate", "Highest tolerated failed-frame rate (failed frames / frames)", HealthGateSettings.Default.MaxErrorRate, 0, 1);

        public static readonly IntegerSetting MinFramesPerDevice = new("edge.healthGate.minFramesPerDevice", "Frames a device must process in the soak before its rate counts", HealthGateSettings.Default.MinFramesPerDevice, 1, 1_000_000);

        public static readonly IntegerSetting HealthPollIntervalSeconds = new("edge.healthGate.pollIntervalSeconds", "Seconds between deployment and health polls", HealthGateSettings.Default.PollIntervalSeconds, 5, 3_600);

        public static readonly IntegerSetting MaxDeploymentMinutes = new("edge.healthGate.maxDeploymentMinutes", "Time devices may stay pending before rollback", HealthGateSettings.Default.MaxDeploymentMinutes, 1, 10_080)
        { Rule = "≥ `rollout.jobTimeoutMinutes`" };

        public static readonly IntegerSetting HeartbeatMaxAgeSeconds = new("edge.healthGate.heartbeatMaxAgeSeconds", "Age after which a device's health heartbeat no longer counts", HealthGateSettings.Default.HeartbeatMaxAgeSeconds, 30, 3_600)
        { Rule = "≥ `healthGate.pollIntervalSeconds`" };

        public static readonly IntegerSetting ShadowMinFramesCompared = new("edge.healthGate.shadow.minFramesCompared", "Frames the candidate and the current model must both have run on (in shadow on a canary device) before the shadow bounds apply", ShadowGateSettings.Default.MinFramesCompared, 1, 1_000_000);

        public static readonly NumberSetting ShadowMaxMissedDefectShare = new("edge.healthGate.shadow.maxMissedDefectShare", "Highest share of the frames with a defect found by the current model on which the candidate finds none", ShadowGateSettings.Default.MaxMissedDefectShare, 0, 1);

        public static readonly NumberSetting ShadowMaxDefectRateDifference = new("edge.healthGate.shadow.maxDefectRateDifference", "Largest difference of the candidate's and the current model's defect rates (frames with ≥ 1 detection), either way", ShadowGateSettings.Default.MaxDefectRateDifference, 0, 1);

        public static readonly NumberSetting ShadowMinBoxF1 = new("edge.healthGate.shadow.minBoxF1", "Lowest box-level F1 of the candidate against the current model (same class, IoU ≥ 0.5); 0 switches the check off", ShadowGateSettings.Default.MinBoxF1, 0, 1);

        public static readonly NumberSetting ShadowMaxLatencyRatio = new("edge.healthGate.shadow.maxLatencyRatio", "Highest candidate / current inference latency p95", ShadowGateSettings.Default.MaxLatencyRatio, 1, 100);

        public static readonly NumberSetting ConfidenceThreshold = new("edge.inference.confidenceThreshold", "Minimum confidence of a reported detection, merged into the inference component's configuration by every rollout", InferenceConfiguration.Defaults.ConfidenceThreshold, 0, 1);

        public static readonly NumberSetting IouThreshold = new("edge.inference.iouThreshold", "Non-maximum-suppression IoU threshold on the devices", InferenceConfiguration.Defaults.IouThreshold, 0, 1);

        public static readonly IntegerSetting FrameIntervalMs = new("edge.inference.frameIntervalMs", "Pause between frames of the simulated camera in milliseconds", InferenceConfiguration.Defaults.FrameIntervalMs, 0, 60_000);

        public static readonly IntegerSetting HealthIntervalSeconds = new("edge.inference.healthIntervalSeconds", "Seconds between the devices' health heartbeats", InferenceConfiguration.Defaults.HealthIntervalSeconds, 1, 3_600)
        { Rule = "≤ half of `healthGate.heartbeatMaxAgeSeconds`" };

        public static readonly IntegerSetting ShadowSampleEvery = new("edge.inference.shadowSampleEvery", "On the canary, when a release has a current model, the candidate first runs in shadow on one frame in this many (the current model keeps publishing)", ShadowEvaluation.Defaults.SampleEvery, 1, 1_000);

        public static readonly BooleanSetting DriftEnabled = new("edge.drift.enabled", "Devices score their frames' drift against the model's training baseline (PSI) and publish it in the health message", InferenceConfiguration.Defaults.DriftEnabled);

        public static readonly IntegerSetting DriftWindowFrames = new("edge.drift.windowFrames", "Frames in the devices' sliding drift window", InferenceConfiguration.Defaults.DriftWindowFrames, 10, 100_000);

        public static readonly IntegerSetting DriftMinFrames = new("edge.drift.minFrames", "Frames the window must hold before it is scored", InferenceConfiguration.Defaults.DriftMinFrames, 1, 100_000)
        { Rule = "≤ `drift.windowFrames`" };

        public static readonly NumberSetting DriftThreshold = new("edge.drift.threshold", "Combined drift score (the largest per-statistic PSI) above which a device counts as drifted: it raises its capture sampling, the drift alarm fires", InferenceConfiguration.Defaults.DriftThreshold, 0.01, 100);

        public static readonly NumberSetting DriftBoostSampleFraction = new("edge.drift.boostSampleFraction", "Capture sample fraction of a drifted device, so its frames reach labeling", InferenceConfiguration.Defaults.DriftBoostSampleFraction, 0, 1);

        public static readonly IntegerSetting DriftBoostMinutes = new("edge.drift.boostMinutes", "How long the raised sampling lasts after the score was last above the threshold", InferenceConfiguration.Defaults.DriftBoostMinutes, 1, 1_440);

        public static readonly BooleanSetting RequireManualApproval = new("edge.requireManualApproval", "E-mail approval between canary and fleet", true);

        public static readonly IntegerSetting ExpectedFleetSize = new("edge.fleet.expectedSize", "Devices the fleet group is sized for: settings under which a release to this many devices cannot fit the Step Functions history quota are refused", 10_000, 1, 1_000_000)
        { Rule = "with the rollout rate, poll interval, deployment limit and soak, a release must fit 25,000 history events" };

        public static readonly BooleanSetting DigitalTwinEnabled = new("edge.digitalTwin.enabled", "Create an EC2 digital twin (a core device in the canary group)", false);

        public static readonly TextSetting DigitalTwinInstanceType = new("edge.digitalTwin.instanceType", "Its instance type (Graviton `*g.*` types get the arm64 AMI)", "t3.medium", "an EC2 instance type such as t3.medium", Ec2InstanceTypePattern());

        public static readonly TextSetting DigitalTwinNucleusVersion = new("edge.digitalTwin.nucleusVersion", "Greengrass nucleus version it installs", "2.14.3", "a Greengrass nucleus version such as 2.14.3", SemverPattern());
    }

    /// <summary>Every key, in the order of the tables.</summary>
    public static IReadOnlyList<SettingKey> All { get; } =
    [
        Root.Account, Root.Region, Root.NamePrefix,
        Stages.DevAccount, Stages.DevRegion, Stages.PreProductionAccount, Stages.PreProductionRegion, Stages.ProductionAccount, Stages.ProductionRegion,
        Stages.ProductionCaptureReplicaKeyArn,
        Source.Kind, Source.ConnectionArn, Source.Repository, Source.Branch, Source.BucketName, Source.ObjectKey,
        Notifications.Emails,
        Labeling.WorkteamArn, Labeling.PublicWorkforceEnabled, Labeling.PublicWorkforceTaskPriceUsd, Labeling.IncomingPrefix,
        Labeling.CapturePrefix, Labeling.ScanPrefixes, Labeling.ClassLabels, Labeling.MaxImagesPerJob, Labeling.TaskTimeLimitSeconds,
        Labeling.TaskAvailabilityLifetimeSeconds, Labeling.MaxConcurrentTaskCount, Labeling.WorkersPerObject, Labeling.VerificationEnabled,
        Labeling.PollIntervalSeconds, Labeling.MaxWaitHours, Labeling.Schedule, Labeling.PutRecordConcurrency,
        Training.TrainingInstanceType, Training.ProcessingInstanceType, Training.Epochs, Training.ImageSize, Training.BatchSize,
        Training.MapThreshold, Training.Schedule, Training.ModelApprovalStatus, Training.PretrainedWeightsUri, Training.ContainerImageUri,
        Training.MinNewLabelsToRetrain, Training.SplitSeed, Training.ValidationPercent, Training.TestPercent, Training.PollIntervalSeconds,
        Training.MaxWaitHours,
        Edge.CanaryThingGroup, Edge.FleetThingGroup, Edge.InferenceComponentName, Edge.ModelComponentName, Edge.TopicPrefix,
        Edge.MaximumPerMinute, Edge.AbortFailurePercent, Edge.AbortMinExecutedThings, Edge.JobTimeoutMinutes,
        Edge.ComponentUpdateTimeoutSeconds, Edge.ConfigurationValidationTimeoutSeconds,
        Edge.SoakMinutes, Edge.MaxErrorRate, Edge.MinFramesPerDevice, Edge.HealthPollIntervalSeconds, Edge.MaxDeploymentMinutes,
        Edge.HeartbeatMaxAgeSeconds,
        Edge.ShadowMinFramesCompared, Edge.ShadowMaxMissedDefectShare, Edge.ShadowMaxDefectRateDifference, Edge.ShadowMinBoxF1,
        Edge.ShadowMaxLatencyRatio,
        Edge.ConfidenceThreshold, Edge.IouThreshold, Edge.FrameIntervalMs, Edge.HealthIntervalSeconds, Edge.ShadowSampleEvery,
        Edge.DriftEnabled, Edge.DriftWindowFrames, Edge.DriftMinFrames, Edge.DriftThreshold, Edge.DriftBoostSampleFraction, Edge.DriftBoostMinutes,
        Edge.RequireManualApproval, Edge.ExpectedFleetSize, Edge.DigitalTwinEnabled, Edge.DigitalTwinInstanceType, Edge.DigitalTwinNucleusVersion,
    ];

    /// <summary>The key at <paramref name="path"/>, or null when the schema has none.</summary>
    public static SettingKey? Find(string path) => All.FirstOrDefault(k => k.Path == path);

    /// <summary>True when <paramref name="path"/> is a section (a strict prefix of some key's path); "" is the root.</summary>
    public static bool IsSection(string path) =>
        path.Length == 0 || All.Any(k => k.Path.StartsWith(path + ".", StringComparison.Ordinal));

    /// <summary>The keys and sub-sections written directly in section <paramref name="path"/>, sorted.</summary>
    public static IReadOnlyList<string> ChildrenOf(string path)
    {
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        return All.Where(k => k.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Path[prefix.Length..].Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:kms:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:key/[0-9a-f-]{36}$")]
    private static partial Regex KmsKeyArnPattern();

    [GeneratedRegex("^[a-z]{2}(-gov)?-[a-z]+-\\d$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,19}$")]
    private static partial Regex NamePrefixPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+$")]
    private static partial Regex ConnectionArnPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:workteam/private-crowd/[A-Za-z0-9-]+$")]
    private static partial Regex WorkteamArnPattern();

    [GeneratedRegex(@"^([A-Za-z0-9!_.*'()-]+/)+$")]
    private static partial Regex PrefixPattern();

    // SageMaker's CustomerMetadataValue allows letters, digits, spaces and _ . : / = + - @; '/' joins the labels.
    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:=+\-@]+$")]
    private static partial Regex ClassLabelPattern();

    [GeneratedRegex(@"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$")]
    private static partial Regex SchedulePattern();

    [GeneratedRegex(@"^ml\.[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex Ec2InstanceTypePattern();

    [GeneratedRegex(@"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")]
    private static partial Regex S3UriPattern();

    [GeneratedRegex(@"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$")]
    private static partial Regex EcrImageUriPattern();

    [GeneratedRegex(@"^[A-Za-z0-9:_-]{1,128}$")]
    private static partial Regex ThingGroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")]
    private static partial Regex TopicPrefixPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemverPattern();
}
