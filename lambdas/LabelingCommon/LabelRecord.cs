namespace EdgeMlOps.Labeling.Common;

/// <summary>
/// One label of one image: the row of the labels feature group. <see cref="EventTime"/> is Unix seconds (the
/// feature group's Fractional event time), <see cref="LabelingJob"/> the job that produced the boxes.
/// </summary>
public sealed record LabelRecord(
    string SourceRef,
    int ImageWidth,
    int ImageHeight,
    int ImageDepth,
    IReadOnlyList<BoundingBox> Annotations,
    double EventTime,
    string LabelingJob,
    LabelStatus Status)
{
    // Records compare lists by reference; labels are equal when their boxes are equal in order.
    public bool Equals(LabelRecord? other) =>
        other is not null
        && SourceRef == other.SourceRef
        && ImageWidth == other.ImageWidth
        && ImageHeight == other.ImageHeight
        && ImageDepth == other.ImageDepth
        && Annotations.SequenceEqual(other.Annotations)
        && EventTime.Equals(other.EventTime)
        && LabelingJob == other.LabelingJob
        && Status == other.Status;

    public override int GetHashCode() => HashCode.Combine(SourceRef, EventTime, LabelingJob, Status, Annotations.Count);
}
