namespace EdgeMlOps.Contracts;

/// <summary>
/// The drift events table (owned by the training app, written by the edge app's drift rule): one item per device,
/// its latest health message with <c>drift.drifted</c> true. The training workflow counts the items whose
/// <see cref="DriftAt"/> is after the last training started; labels arriving after that retrain with reason drift.
/// </summary>
public static class DriftEventsSchema
{
    public const string PartitionKey = "thingName";

    /// <summary>When IoT Core received the drifted message: ISO 8601 UTC with milliseconds, as Step Functions writes times (compared as text).</summary>
    public const string DriftAt = "driftAt";

    public const string Score = "score";
    public const string Threshold = "threshold";
    public const string Statistics = "statistics";
    public const string ModelComponentVersion = "modelComponentVersion";
    public const string ThingGroup = "thingGroup";
    public const string CaptureBoostUntil = "captureBoostUntil";

    /// <summary>The training trigger (and model package triggerSource) of a drift retraining.</summary>
    public const string DriftTrigger = "drift";
}
