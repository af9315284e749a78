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
}
