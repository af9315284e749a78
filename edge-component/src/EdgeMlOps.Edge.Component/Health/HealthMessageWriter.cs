using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Publishing;

namespace EdgeMlOps.Edge.Component.Health;

/// <summary>
/// Builds the periodic health message (<see cref="HealthMessage"/>, the contract the edge deployment app's health
/// gate reads; documented in edge-component/README.md) from the tracker's snapshot.
/// </summary>
public static class HealthMessageWriter
{
    public static byte[] Write(string thingName, ModelIdentity model, HealthSnapshot snapshot, int captureBacklog,
        long captureDropped, DateTimeOffset timestamp, CaptureUploadStatus upload = default, CaptureSpoolCounts spool = default, HealthShadow? shadow = null,
        string? thingGroup = null, HealthDrift? drift = null) =>
        Build(thingName, model, snapshot, captureBacklog, captureDropped, timestamp, upload, spool, shadow, thingGroup, drift).ToJsonBytes();

    public static HealthMessage Build(string thingName, ModelIdentity model, HealthSnapshot snapshot, int captureBacklog,
        long captureDropped, DateTimeOffset timestamp, CaptureUploadStatus upload = default, CaptureSpoolCounts spool = default, HealthShadow? shadow = null,
        string? thingGroup = null, HealthDrift? drift = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(snapshot);
        return new HealthMessage
        {
            ThingName = thingName,
            Timestamp = timestamp.UtcDateTime,
            State = snapshot.State.ToContract(),
            UptimeSeconds = Math.Round(snapshot.Uptime.TotalSeconds, 1),
            // lastError is under "model" because the health gate reads it there; it also carries frame-source
            // failures, the other reason a component stops serving.
            Model = new HealthModel
            {
                ComponentVersion = model.ComponentVersion,
                PackageVersion = model.PackageVersion,
                Loaded = snapshot.ModelLoaded,
                LastError = snapshot.LastError,
            },
            Frames = new HealthFrames
            {
                Processed = snapshot.FramesProcessed,
                Failed = snapshot.FramesFailed,
                Published = snapshot.ResultsPublished,
                PublishFailures = snapshot.PublishFailures,
                Detections = snapshot.Detections,
                WithDetections = snapshot.FramesWithDetections,
                MeanConfidence = Math.Round(snapshot.MeanConfidence, 4),
            },
            Failures = snapshot.FailuresByReason.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
            Capture = new HealthCapture
            {
                Captured = snapshot.FramesCaptured,
                Backlog = captureBacklog,
                Dropped = captureDropped,
                // Added within schema version 1: a failing uploader shows here while the backlog grows.
                Uploaded = upload.Uploaded,
                UploadFailures = upload.Failures,
                LastUploadError = upload.LastError,
                // Added within schema version 1: captures lost or refused between the inference loop and S3.
                QueueOverflow = spool.QueueOverflow,
                WriteFailures = spool.WriteFailures,
                Rejected = spool.Rejected,
                Duplicates = spool.Duplicates,
                Discarded = spool.Discarded,
            },
            LatencyMs = new HealthLatency
            {
                WindowFrames = snapshot.LatencyWindow,
                P50 = Math.Round(snapshot.TotalLatency.P50, 3),
                P95 = Math.Round(snapshot.TotalLatency.P95, 3),
                InferenceP50 = Math.Round(snapshot.InferenceLatency.P50, 3),
                InferenceP95 = Math.Round(snapshot.InferenceLatency.P95, 3),
            },
            // Added within schema version 1: the model's on-device acceptance check.
            Acceptance = snapshot.Acceptance,
            // Added within schema version 1: only while a candidate runs in shadow (issue 14, part 5).
            Shadow = shadow,
            ThingGroup = string.IsNullOrEmpty(thingGroup) ? null : thingGroup,
            Drift = drift,
        };
    }
}
