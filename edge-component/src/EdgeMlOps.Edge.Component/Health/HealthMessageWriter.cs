using System.Text.Json;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Publishing;

namespace EdgeMlOps.Edge.Component.Health;

/// <summary>
/// Serialises the periodic health message (schema version <see cref="SchemaVersion"/>, documented in
/// edge-component/README.md; the edge deployment app's health gate reads it).
/// </summary>
public static class HealthMessageWriter
{
    public const int SchemaVersion = 1;
    public const string MessageType = "health";

    public static byte[] Write(string thingName, ModelIdentity model, HealthSnapshot snapshot, int captureBacklog,
        long captureDropped, DateTimeOffset timestamp, CaptureUploadStatus upload = default, CaptureSpoolCounts spool = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(snapshot);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("messageType", MessageType);
            w.WriteString("thingName", thingName);
            w.WriteString("timestamp", timestamp.UtcDateTime);
            w.WriteString("state", snapshot.State.ToString().ToUpperInvariant());
            w.WriteNumber("uptimeSeconds", Math.Round(snapshot.Uptime.TotalSeconds, 1));
            w.WriteStartObject("model");
            w.WriteString("componentVersion", model.ComponentVersion);
            w.WriteString("packageVersion", model.PackageVersion);
            w.WriteBoolean("loaded", snapshot.ModelLoaded);
            // Under "model" because the edge deployment app's health gate reads model.lastError; it also carries
            // frame-source failures, the other reason a component stops serving.
            if (snapshot.LastError is null)
            {
                w.WriteNull("lastError");
            }
            else
            {
                w.WriteString("lastError", snapshot.LastError);
            }

            w.WriteEndObject();

            w.WriteStartObject("frames");
            w.WriteNumber("processed", snapshot.FramesProcessed);
            w.WriteNumber("failed", snapshot.FramesFailed);
            w.WriteNumber("published", snapshot.ResultsPublished);
            w.WriteNumber("publishFailures", snapshot.PublishFailures);
            w.WriteNumber("detections", snapshot.Detections);
            w.WriteEndObject();
            w.WriteStartObject("failures");
            foreach (var (reason, count) in snapshot.FailuresByReason)
            {
                w.WriteNumber(reason, count);
            }

            w.WriteEndObject();
            w.WriteStartObject("capture");
            w.WriteNumber("captured", snapshot.FramesCaptured);
            w.WriteNumber("backlog", captureBacklog);
            w.WriteNumber("dropped", captureDropped);
            // Added within schema version 1: a failing uploader shows here while the backlog grows.
            w.WriteNumber("uploaded", upload.Uploaded);
            w.WriteNumber("uploadFailures", upload.Failures);
            if (upload.LastError is null)
            {
                w.WriteNull("lastUploadError");
            }
            else
            {
                w.WriteString("lastUploadError", upload.LastError);
            }

            // Added within schema version 1: captures lost or refused between the inference loop and S3.
            w.WriteNumber("queueOverflow", spool.QueueOverflow);
            w.WriteNumber("writeFailures", spool.WriteFailures);
            w.WriteNumber("rejected", spool.Rejected);
            w.WriteNumber("duplicates", spool.Duplicates);
            w.WriteNumber("discarded", spool.Discarded);
            w.WriteEndObject();
            w.WriteStartObject("latencyMs");
            w.WriteNumber("windowFrames", snapshot.LatencyWindow);
            w.WriteNumber("p50", Math.Round(snapshot.TotalLatency.P50, 3));
            w.WriteNumber("p95", Math.Round(snapshot.TotalLatency.P95, 3));
            w.WriteNumber("inferenceP50", Math.Round(snapshot.InferenceLatency.P50, 3));
            w.WriteNumber("inferenceP95", Math.Round(snapshot.InferenceLatency.P95, 3));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }
}
