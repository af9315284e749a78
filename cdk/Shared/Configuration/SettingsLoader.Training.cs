using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Reads section <c>training</c>; owned by the training app.</summary>
public static partial class SettingsLoader
{
    private static TrainingSettings ReadTraining(ConfigSection s)
    {
        var imageSize = s.Int("imageSize", 640, 64, 2048);
        if (imageSize % 32 != 0)
        {
            s.Problem("imageSize", $"must be a multiple of 32, got {imageSize}");
        }

        var polls = s.Section("polling");
        var split = s.Section("split");
        var validationPercent = split.Int("validationPercent", 15, 1, 50);
        var testPercent = split.Int("testPercent", 15, 1, 50);
        if (validationPercent + testPercent > 80)
        {
            split.Problem("testPercent", $"plus validationPercent must leave at least 20 percent for training, got {validationPercent} + {testPercent}");
        }

        var pollInterval = polls.Int("intervalSeconds", 300, 10, 3_600);
        var maxWaitHours = polls.Int("maxWaitHours", 24, 1, 120);
        var neededPolls = (int)Math.Ceiling(maxWaitHours * 3600.0 / pollInterval);
        if (neededPolls > TrainingSettings.MaxPolls)
        {
            var minInterval = (int)Math.Ceiling(maxWaitHours * 3600.0 / TrainingSettings.MaxPolls);
            polls.Problem("intervalSeconds",
                $"with maxWaitHours {maxWaitHours} needs {neededPolls} polls, more than the {TrainingSettings.MaxPolls} that fit one workflow execution " +
                $"({TrainingSettings.HistoryEventsPerPoll} history events per poll, kept under half of the 25,000-event Step Functions limit): " +
                $"set intervalSeconds to at least {minInterval}, or lower maxWaitHours, got {pollInterval}");
        }

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
            PollIntervalSeconds = pollInterval,
            MaxWaitHours = maxWaitHours,
            ContainerImageUri = s.OptionalString("containerImageUri", null, "an ECR image URI such as 763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311", EcrImageUriPattern()),
            SplitSeed = split.Int("seed", 42, 0, int.MaxValue),
            ValidationPercent = validationPercent,
            TestPercent = testPercent,
        };
    }

    [GeneratedRegex(@"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$")]
    private static partial Regex EcrImageUriPattern();
}
