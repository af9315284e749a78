namespace EdgeMlOps.Edge.Capture;

/// <summary>A committed spool entry: one folder holding <c>image.jpg</c> and <c>metadata.json</c>.</summary>
public sealed record SpoolEntry(long Sequence, string Sha256, string Directory, long SizeBytes)
{
    public const string ImageFileName = "image.jpg";
    public const string MetadataFileName = "metadata.json";

    public string ImagePath => Path.Combine(Directory, ImageFileName);

    public string MetadataPath => Path.Combine(Directory, MetadataFileName);
}

/// <summary>What <see cref="CaptureSpool.Enqueue"/> did with a frame.</summary>
public enum CaptureEnqueueOutcome
{
    /// <summary>Committed to the spool (possibly after dropping older entries: see <see cref="CaptureEnqueueResult.DroppedOldest"/>).</summary>
    Stored,
    /// <summary>The same image bytes are already pending or were uploaded recently.</summary>
    Duplicate,
    /// <summary>The image alone is larger than the whole quota; counted in <see cref="CaptureSpool.RejectedCount"/>.</summary>
    Rejected,
}

public sealed record CaptureEnqueueResult(CaptureEnqueueOutcome Outcome, int DroppedOldest, SpoolEntry? Entry);
