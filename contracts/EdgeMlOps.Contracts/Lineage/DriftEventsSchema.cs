namespace EdgeMlOps.Contracts;

/// <summary>
/// The drift events table (owned by the training app, written by the edge app's drift rule): one item per device,
/// its latest health message with <c>drift.drifted</c> true. The training workflow counts the items whose
/// <see cref="DriftAt"/> is after the last training started and whose drifted period (<see cref="DriftedSince"/>)
/// began after the last drift training started: labels arriving then retrain with reason drift, once per period.
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

    /// <summary>Start of the device's current drifted period (the health message's drift.driftedSince), as ISO 8601 UTC text.</summary>
    public const string DriftedSince = "driftedSince";

    /// <summary>
    /// The retrain counter's attribute holding when the last training with reason drift started (the counter keeps
    /// <c>&lt;trigger&gt;TrainingAt</c> for every trigger): a drifted period that began before it has had its retraining.
    /// </summary>
    public const string DriftTrainingAt = "driftTrainingAt";

    /// <summary>The training trigger (and model package triggerSource) of a drift retraining.</summary>
    public const string DriftTrigger = "drift";
}
