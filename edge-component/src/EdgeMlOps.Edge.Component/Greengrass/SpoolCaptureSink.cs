using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Edge.Component.Capture;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>
/// Puts captured frames into the bounded on-disk <see cref="CaptureSpool"/>, uploaded to S3 by
/// <paramref name="uploader"/> (null: captures stay in the spool) whose counters it reports.
/// </summary>
public sealed class SpoolCaptureSink(CaptureSpool spool, CaptureUploader? uploader = null) : ICaptureSink
{
    public int Backlog => spool.Backlog;

    public long Dropped => spool.DroppedCount;

    public CaptureUploadStatus Upload => uploader is null
        ? default
        : new CaptureUploadStatus(uploader.UploadedCount, uploader.FailedAttempts, uploader.LastError);

    public bool TryEnqueue(ReadOnlySpan<byte> image, CaptureMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return spool.Enqueue(image, metadata).Outcome == CaptureEnqueueOutcome.Stored;
    }
}
