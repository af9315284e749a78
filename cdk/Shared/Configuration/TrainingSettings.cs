namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Settings of the training app (section <c>training</c>). Defaults, ranges and meanings of the keys: <see cref="SettingsSchema"/>.</summary>
public sealed record TrainingSettings
{
    /// <summary>Instance type of the training step.</summary>
    public required string TrainingInstanceType { get; init; }

    /// <summary>Instance type of the evaluation processing step.</summary>
    public required string ProcessingInstanceType { get; init; }

    /// <summary>Training epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Square input size in pixels (a multiple of 32).</summary>
    public required int ImageSize { get; init; }

    /// <summary>Training batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Minimum mAP50 on the test split for registration.</summary>
    public required double MapThreshold { get; init; }

    /// <summary>EventBridge schedule for retraining.</summary>
    public required string Schedule { get; init; }

    /// <summary>Approval status of newly registered packages.</summary>
    public required string ModelApprovalStatus { get; init; }

    /// <summary>S3 URI of the pretrained YOLOv8 weights.</summary>
    public string? PretrainedWeightsUri { get; init; }

    /// <summary>New labels needed before a LabelsUpdated event starts retraining.</summary>
    public required int MinNewLabelsToRetrain { get; init; }

    /// <summary>
    /// History events one poll of the training workflow costs (wait 2, describe task 5, two choices 4, count 2): the
    /// wait loop runs in one Standard execution.
    /// </summary>
    public const int HistoryEventsPerPoll = 13;

    /// <summary>
    /// Most polls the configuration may ask for (maxWaitHours × 3600 / intervalSeconds): 900 × 13 = 11,700 events plus
    /// the workflow's fixed part stays under half of the 25,000-event limit.
    /// </summary>
    public const int MaxPolls = 900;

    /// <summary>Seconds between pipeline status polls.</summary>
    public required int PollIntervalSeconds { get; init; }

    /// <summary>Hours to wait for a pipeline execution before failing.</summary>
    public required int MaxWaitHours { get; init; }

    /// <summary>
    /// Container image of the training and evaluation jobs (a PyTorch image with Python 3).
    /// </summary>
    public string? ContainerImageUri { get; init; }

    /// <summary>Seed of the hash-based train/validation/test split.</summary>
    public required int SplitSeed { get; init; }

    /// <summary>Percent of images assigned to the validation split.</summary>
    public required int ValidationPercent { get; init; }

    /// <summary>Percent of images assigned to the held-out test split.</summary>
    public required int TestPercent { get; init; }
}
