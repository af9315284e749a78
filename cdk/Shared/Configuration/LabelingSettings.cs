namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Settings of the labeling app (section <c>labeling</c>).</summary>
public sealed record LabelingSettings
{
    /// <summary>Private workteam ARN that labels the images. Required unless the public workforce is enabled.</summary>
    public string? WorkteamArn { get; init; }

    /// <summary>Use the public (Mechanical Turk) workforce. Default: false; only with an explicit price.</summary>
    public required bool UsePublicWorkforce { get; init; }

    /// <summary>Price per task in US dollars for the public workforce (e.g. 0.036).</summary>
    public double? PublicTaskPriceUsd { get; init; }

    /// <summary>Prefix where line cameras drop new images. Default: images/incoming/.</summary>
    public required string IncomingPrefix { get; init; }

    /// <summary>Prefix where devices upload uncertain images. Default: images/captured/ (<see cref="EdgeMlOps.Contracts.CaptureLayout.DefaultPrefix"/>).</summary>
    public required string CapturePrefix { get; init; }

    /// <summary>Prefixes scanned for unlabeled images. Default: the incoming and capture prefixes.</summary>
    public required IReadOnlyList<string> ScanPrefixes { get; init; }

    /// <summary>Class labels shown to workers; class id = index. Default: [scratch].</summary>
    public required IReadOnlyList<string> ClassLabels { get; init; }

    /// <summary>Most images sent to one labeling job. Default: 500.</summary>
    public required int MaxImagesPerJob { get; init; }

    /// <summary>Seconds a worker has per task. Default: 600.</summary>
    public required int TaskTimeLimitSeconds { get; init; }

    /// <summary>Seconds a task stays available to workers. Default: 864000 (10 days).</summary>
    public required int TaskAvailabilityLifetimeSeconds { get; init; }

    /// <summary>Most tasks offered at once. Default: 100.</summary>
    public required int MaxConcurrentTaskCount { get; init; }

    /// <summary>Workers who label each image. Default: 1.</summary>
    public required int WorkersPerObject { get; init; }

    /// <summary>Run a label-verification job after labeling. Default: true.</summary>
    public required bool VerificationEnabled { get; init; }

    /// <summary>Seconds between job status polls. Default: 300.</summary>
    public required int PollIntervalSeconds { get; init; }

    /// <summary>Hours to wait for one job before stopping it and failing. Default: 240.</summary>
    public required int MaxWaitHours { get; init; }

    /// <summary>EventBridge schedule of the labeling workflow pipeline. Default: rate(1 day).</summary>
    public required string Schedule { get; init; }

    /// <summary>Most concurrent Feature Store putRecord calls. Default: 10.</summary>
    public required int PutRecordConcurrency { get; init; }
}
