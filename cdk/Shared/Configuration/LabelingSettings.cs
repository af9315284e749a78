namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Settings of the labeling app (section <c>labeling</c>). Defaults, ranges and meanings of the keys: <see cref="SettingsSchema"/>.</summary>
public sealed record LabelingSettings
{
    /// <summary>Private workteam ARN that labels the images. Required unless the public workforce is enabled.</summary>
    public string? WorkteamArn { get; init; }

    /// <summary>Use the public (Mechanical Turk) workforce.</summary>
    public required bool UsePublicWorkforce { get; init; }

    /// <summary>Price per task in US dollars for the public workforce (e.g. 0.036).</summary>
    public double? PublicTaskPriceUsd { get; init; }

    /// <summary>Prefix where line cameras drop new images.</summary>
    public required string IncomingPrefix { get; init; }

    /// <summary>Prefix where devices upload uncertain images.</summary>
    public required string CapturePrefix { get; init; }

    /// <summary>Prefixes scanned for unlabeled images.</summary>
    public required IReadOnlyList<string> ScanPrefixes { get; init; }

    /// <summary>Class labels shown to workers; class id = index.</summary>
    public required IReadOnlyList<string> ClassLabels { get; init; }

    /// <summary>Most images sent to one labeling job.</summary>
    public required int MaxImagesPerJob { get; init; }

    /// <summary>Seconds a worker has per task.</summary>
    public required int TaskTimeLimitSeconds { get; init; }

    /// <summary>Seconds a task stays available to workers.</summary>
    public required int TaskAvailabilityLifetimeSeconds { get; init; }

    /// <summary>Most tasks offered at once.</summary>
    public required int MaxConcurrentTaskCount { get; init; }

    /// <summary>Workers who label each image.</summary>
    public required int WorkersPerObject { get; init; }

    /// <summary>Run a label-verification job after labeling.</summary>
    public required bool VerificationEnabled { get; init; }

    /// <summary>Seconds between job status polls.</summary>
    public required int PollIntervalSeconds { get; init; }

    /// <summary>Hours to wait for one job before stopping it and failing.</summary>
    public required int MaxWaitHours { get; init; }

    /// <summary>EventBridge schedule of the labeling workflow pipeline.</summary>
    public required string Schedule { get; init; }

    /// <summary>Most concurrent Feature Store putRecord calls.</summary>
    public required int PutRecordConcurrency { get; init; }
}
