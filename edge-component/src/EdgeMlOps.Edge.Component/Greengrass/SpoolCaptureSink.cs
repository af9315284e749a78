using System.Text.Json;
using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Edge.Component.Capture;
using SpoolMetadata = EdgeMlOps.Edge.Capture.CaptureMetadata;

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

    public bool TryEnqueue(ReadOnlySpan<byte> image, Capture.CaptureMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var result = JsonDocument.Parse(metadata.ResultJson);
        float width = Math.Max(1, metadata.ImageWidth);
        float height = Math.Max(1, metadata.ImageHeight);
        var outcome = spool.Enqueue(image, new SpoolMetadata
        {
            ThingName = metadata.ThingName,
            ModelVersion = metadata.ModelComponentVersion,
            ModelPackageVersion = metadata.ModelPackageVersion,
            CapturedAt = metadata.Timestamp,
            ImageId = metadata.ImageId,
            Reason = metadata.Reason == CaptureReason.Uncertain ? "uncertain" : "random-sample",
            BestConfidence = metadata.BestConfidence,
            // The spool's detections are normalised to [0, 1] of the image.
            Detections = metadata.Detections.Select(d => new CaptureDetection(d.ClassName, d.Confidence,
                d.X1 / width, d.Y1 / height, (d.X2 - d.X1) / width, (d.Y2 - d.Y1) / height)).ToList(),
            InferenceResult = result.RootElement.Clone(),
        });
        return outcome.Outcome == CaptureEnqueueOutcome.Stored;
    }
}
