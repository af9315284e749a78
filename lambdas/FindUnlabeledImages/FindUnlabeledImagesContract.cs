using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Input from the state machine.</summary>
/// <param name="ExecutionId">The execution ARN (<c>$$.Execution.Id</c>): makes the job names unique.</param>
/// <param name="ExecutionStartTime">When the execution started (<c>$$.Execution.StartTime</c>).</param>
/// <param name="LabelHistoryUri">S3 URI of the Athena result listing images whose latest label is APPROVED; null on the first run (no offline store table yet).</param>
public sealed record FindUnlabeledImagesRequest(string ExecutionId, DateTimeOffset ExecutionStartTime, string? LabelHistoryUri);

/// <summary>Result for the state machine: only counts, names and the manifest URI, never the image list.</summary>
public sealed record FindUnlabeledImagesResult(
    string? ManifestUri,
    int ImageCount,
    int UnlabeledCount,
    int DeferredCount,
    int AlreadyApprovedCount,
    IReadOnlyList<string> ScannedPrefixes,
    string LabelingJobName,
    string VerificationJobName,
    SkipReport Skipped)
{
    /// <summary>Objects this run listed (new ones, plus at most the current day per device again).</summary>
    public int ListedObjectCount { get; init; }

    /// <summary>Capture sidecars among them: recognised by their suffix, never downloaded.</summary>
    public int SidecarCount { get; init; }

    /// <summary>Device folders under the capture prefix.</summary>
    public int DeviceFolderCount { get; init; }
}

/// <summary>Settings from the function's environment, set by the CDK stage from the config.</summary>
/// <param name="CapturePrefix">The devices' capture prefix: listed incrementally per device folder.</param>
/// <param name="ScanStateKey">Where the scan remembers positions and the backlog between runs.</param>
public sealed record FindUnlabeledImagesSettings(
    string Bucket,
    IReadOnlyList<string> ScanPrefixes,
    string ManifestPrefix,
    int MaxImagesPerJob,
    string JobNamePrefix,
    string CapturePrefix,
    string ScanStateKey)
{
    public static FindUnlabeledImagesSettings FromEnvironment() => new(
        LambdaEnvironment.Required("DATA_BUCKET"),
        LambdaEnvironment.Required("SCAN_PREFIXES").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        LambdaEnvironment.Required("MANIFEST_PREFIX"),
        LambdaEnvironment.RequiredInt("MAX_IMAGES_PER_JOB"),
        LambdaEnvironment.Required("JOB_NAME_PREFIX"),
        LambdaEnvironment.Required("CAPTURE_PREFIX"),
        LambdaEnvironment.Required("SCAN_STATE_KEY"));
}
