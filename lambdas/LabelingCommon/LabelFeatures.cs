namespace EdgeMlOps.Labeling.Common;

/// <summary>
/// Feature names of the labels feature group. The CDK stage declares the same names and types (it has a test
/// comparing them): <c>source_ref</c> is the record identifier, <c>event_time</c> the Fractional event time.
/// </summary>
public static class LabelFeatures
{
    public const string SourceRef = "source_ref";
    public const string ImageWidth = "image_width";
    public const string ImageHeight = "image_height";
    public const string ImageDepth = "image_depth";
    public const string Annotations = "annotations";
    public const string EventTime = "event_time";
    public const string LabelingJob = "labeling_job";
    public const string Status = "status";

    /// <summary>Every feature in declaration order, with its Feature Store type.</summary>
    public static IReadOnlyList<(string Name, string Type)> All { get; } =
    [
        (SourceRef, "String"),
        (ImageWidth, "Integral"),
        (ImageHeight, "Integral"),
        (ImageDepth, "Integral"),
        (Annotations, "String"),
        (EventTime, "Fractional"),
        (LabelingJob, "String"),
        (Status, "String"),
    ];
}
