using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Reads one environment file into <see cref="AppSettings"/>. All problems of the file are collected
/// and thrown together in one <see cref="ConfigurationException"/>; nothing is built from a bad file.
/// </summary>
public static partial class SettingsLoader
{
    /// <summary>Loads <c>config/&lt;environment&gt;.yaml</c> below <paramref name="repositoryRoot"/>.</summary>
    public static AppSettings LoadEnvironment(string repositoryRoot, string environmentName)
    {
        if (!EnvironmentNamePattern().IsMatch(environmentName))
        {
            throw new ConfigurationException(
                [$"context env must be lower-case letters, digits and hyphens (1-16), got '{environmentName}'"]);
        }

        var path = Path.Combine(repositoryRoot, "config", environmentName + ".yaml");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(Path.GetDirectoryName(path))
                ? string.Join(", ", Directory.GetFiles(Path.GetDirectoryName(path)!, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order())
                : "none";
            throw new ConfigurationException([$"config/{environmentName}.yaml not found (environments available: {known})"]);
        }

        return Parse(File.ReadAllText(path), $"config/{environmentName}.yaml", environmentName);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> prefixes every message.</summary>
    public static AppSettings Parse(string yaml, string fileName, string environmentName)
    {
        var problems = new ConfigProblems(fileName);
        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
        }
        catch (YamlException e)
        {
            throw new ConfigurationException([$"{fileName}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}"]);
        }

        if (root is null)
        {
            throw new ConfigurationException([$"{fileName}: must be a YAML mapping at the top level"]);
        }

        var section = new ConfigSection(root, string.Empty, problems);
        var settings = Read(section, environmentName);
        section.ReportUnknownKeys();
        if (problems.All.Count > 0)
        {
            throw new ConfigurationException(problems.All);
        }

        return settings;
    }

    private static AppSettings Read(ConfigSection root, string environmentName)
    {
        var account = root.RequiredString("account", "a 12-digit AWS account id", AccountPattern());
        var region = root.RequiredString("region", "an AWS region such as eu-west-1", RegionPattern());
        var namePrefix = root.RequiredString("namePrefix", "lower-case letters, digits and hyphens, 2-20 characters, starting with a letter", NamePrefixPattern());
        var resourcePrefix = $"{namePrefix}-{environmentName}";
        return new AppSettings
        {
            EnvironmentName = environmentName,
            Account = account,
            Region = region,
            NamePrefix = namePrefix,
            SourceRepository = ReadSource(root.Section("sourceRepository")),
            Notifications = new NotificationSettings
            {
                Emails = root.Section("notifications").StringList("emails", [], 0, "an e-mail address", EmailPattern()),
            },
            Labeling = ReadLabeling(root.Section("labeling"), region),
            Training = ReadTraining(root.Section("training")),
            Edge = ReadEdge(root.Section("edge"), resourcePrefix),
        };
    }

    private static SourceRepositorySettings ReadSource(ConfigSection s)
    {
        if (!s.IsPresent)
        {
            s.Problem("kind", "is required (one of codeconnections, codecommit, s3)");
        }

        var kindText = s.OneOf("kind", "codeconnections", "codeconnections", "codecommit", "s3");
        var kind = kindText switch
        {
            "codecommit" => SourceRepositoryKind.CodeCommit,
            "s3" => SourceRepositoryKind.S3,
            _ => SourceRepositoryKind.CodeConnections,
        };
        var settings = new SourceRepositorySettings
        {
            Kind = kind,
            ConnectionArn = s.OptionalString("connectionArn", null, "a CodeConnections connection ARN", ConnectionArnPattern()),
            Repository = s.OptionalString("repository", null, "owner/name (codeconnections) or a CodeCommit repository name", RepositoryPattern()),
            Branch = s.OptionalString("branch", "main", "a branch name") ?? "main",
            BucketName = s.OptionalString("bucketName", null, "an S3 bucket name", BucketNamePattern()),
            ObjectKey = s.OptionalString("objectKey", null, "an S3 object key"),
        };

        switch (kind)
        {
            case SourceRepositoryKind.CodeConnections:
                RequireFor(s, "connectionArn", settings.ConnectionArn, kindText);
                RequireFor(s, "repository", settings.Repository, kindText);
                if (settings.Repository is not null && !settings.Repository.Contains('/', StringComparison.Ordinal))
                {
                    s.Problem("repository", $"must be owner/name for kind codeconnections, got '{settings.Repository}'");
                }

                break;
            case SourceRepositoryKind.CodeCommit:
                RequireFor(s, "repository", settings.Repository, kindText);
                break;
            case SourceRepositoryKind.S3:
                RequireFor(s, "bucketName", settings.BucketName, kindText);
                RequireFor(s, "objectKey", settings.ObjectKey, kindText);
                break;
        }

        return settings;
    }

    private static void RequireFor(ConfigSection s, string key, string? value, string kind)
    {
        if (value is null)
        {
            s.Problem(key, $"is required when kind is {kind}");
        }
    }

    private static LabelingSettings ReadLabeling(ConfigSection s, string region)
    {
        var workteamArn = s.OptionalString("workteamArn", null, "a SageMaker private workteam ARN", WorkteamArnPattern());
        var publicWorkforce = s.Section("publicWorkforce");
        var usePublic = publicWorkforce.Bool("enabled", false);
        var price = publicWorkforce.OptionalDouble("taskPriceUsd", 0.012, 1.2);
        if (usePublic && price is null)
        {
            publicWorkforce.Problem("taskPriceUsd", "is required when publicWorkforce.enabled is true (a price in US dollars, 0.012 to 1.2)");
        }

        if (!usePublic && workteamArn is null)
        {
            s.Problem("workteamArn", "is required unless publicWorkforce.enabled is true (a SageMaker private workteam ARN)");
        }

        if (workteamArn is not null && !workteamArn.Contains($":{region}:", StringComparison.Ordinal))
        {
            s.Problem("workteamArn", $"must be in the deployment region {region}, got '{workteamArn}'");
        }

        var incoming = s.OptionalString("incomingPrefix", "images/incoming/", "an S3 prefix ending in '/'", PrefixPattern())!;
        var capture = s.OptionalString("capturePrefix", "images/captured/", "an S3 prefix ending in '/'", PrefixPattern())!;
        var polls = s.Section("polling");
        return new LabelingSettings
        {
            WorkteamArn = workteamArn,
            UsePublicWorkforce = usePublic,
            PublicTaskPriceUsd = usePublic ? price : null,
            IncomingPrefix = incoming,
            CapturePrefix = capture,
            ScanPrefixes = s.StringList("scanPrefixes", [incoming, capture], 1, "an S3 prefix ending in '/'", PrefixPattern()),
            ClassLabels = s.StringList("classLabels", ["scratch"], 1, "a class label"),
            MaxImagesPerJob = s.Int("maxImagesPerJob", 500, 1, 100_000),
            TaskTimeLimitSeconds = s.Int("taskTimeLimitSeconds", 600, 30, 28_800),
            TaskAvailabilityLifetimeSeconds = s.Int("taskAvailabilityLifetimeSeconds", 864_000, 60, 864_000),
            MaxConcurrentTaskCount = s.Int("maxConcurrentTaskCount", 100, 1, 5_000),
            WorkersPerObject = s.Int("workersPerObject", 1, 1, 9),
            VerificationEnabled = s.Section("verification").Bool("enabled", true),
            PollIntervalSeconds = polls.Int("intervalSeconds", 300, 10, 3_600),
            MaxWaitHours = polls.Int("maxWaitHours", 240, 1, 720),
            Schedule = s.OptionalString("schedule", "rate(1 day)", "an EventBridge schedule expression, rate(...) or cron(...)", SchedulePattern())!,
            PutRecordConcurrency = s.Int("putRecordConcurrency", 10, 1, 40),
        };
    }

    private static TrainingSettings ReadTraining(ConfigSection s)
    {
        var imageSize = s.Int("imageSize", 640, 64, 2048);
        if (imageSize % 32 != 0)
        {
            s.Problem("imageSize", $"must be a multiple of 32, got {imageSize}");
        }

        var polls = s.Section("polling");
        return new TrainingSettings
        {
            TrainingInstanceType = s.OptionalString("trainingInstanceType", "ml.g4dn.xlarge", "a SageMaker instance type such as ml.g4dn.xlarge", InstanceTypePattern())!,
            ProcessingInstanceType = s.OptionalString("processingInstanceType", "ml.m5.xlarge", "a SageMaker instance type such as ml.m5.xlarge", InstanceTypePattern())!,
            Epochs = s.Int("epochs", 50, 1, 1_000),
            ImageSize = imageSize,
            BatchSize = s.Int("batchSize", 16, 1, 512),
            MapThreshold = s.Double("mapThreshold", 0.5, 0, 1),
            Schedule = s.OptionalString("schedule", "cron(0 3 ? * SUN *)", "an EventBridge schedule expression, rate(...) or cron(...)", SchedulePattern())!,
            ModelApprovalStatus = s.OneOf("modelApprovalStatus", "PendingManualApproval", "PendingManualApproval", "Approved"),
            PretrainedWeightsUri = s.OptionalString("pretrainedWeightsUri", null, "an s3:// URI", S3UriPattern()),
            MinNewLabelsToRetrain = s.Int("minNewLabelsToRetrain", 50, 1, 1_000_000),
            PollIntervalSeconds = polls.Int("intervalSeconds", 300, 10, 3_600),
            MaxWaitHours = polls.Int("maxWaitHours", 24, 1, 120),
        };
    }

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
                SoakMinutes = health.Int("soakMinutes", 15, 0, 1_440),
                MaxErrorRate = health.Double("maxErrorRate", 0.05, 0, 1),
                MinFramesPerDevice = health.Int("minFramesPerDevice", 10, 1, 1_000_000),
                PollIntervalSeconds = health.Int("pollIntervalSeconds", 60, 5, 3_600),
                MaxDeploymentMinutes = health.Int("maxDeploymentMinutes", 60, 1, 10_080),
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

        return settings;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,15}$")]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

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

    [GeneratedRegex(@"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$")]
    private static partial Regex SchedulePattern();

    [GeneratedRegex(@"^ml\.[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^[a-z0-9]+\.[a-z0-9]+$")]
    private static partial Regex Ec2InstanceTypePattern();

    [GeneratedRegex(@"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")]
    private static partial Regex S3UriPattern();

    [GeneratedRegex(@"^[A-Za-z0-9:_-]{1,128}$")]
    private static partial Regex ThingGroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")]
    private static partial Regex TopicPrefixPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemverPattern();
}
