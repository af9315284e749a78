using System.Buffers;
using System.Text.Json;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Component.Publishing;

/// <summary>Which model produced a result (reported in every message).</summary>
public sealed record ModelIdentity(string ComponentVersion, string PackageVersion);

/// <summary>Milliseconds spent in each stage of one frame.</summary>
public readonly record struct StageLatency(double DecodeMs, double PreprocessMs, double InferenceMs, double PostprocessMs)
{
    public double TotalMs => DecodeMs + PreprocessMs + InferenceMs + PostprocessMs;
}

/// <summary>
/// Serialises the per-frame result message (schema version <see cref="SchemaVersion"/>, documented in
/// edge-component/README.md) into a reused buffer: no per-frame allocation beyond what the writer itself needs.
/// Not thread-safe: one instance per pipeline.
/// </summary>
public sealed class ResultMessageWriter
{
    public const int SchemaVersion = 1;
    public const string MessageType = "inference-result";

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public ResultMessageWriter()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Writes one result message and returns it (valid until the next call).</summary>
    public ReadOnlyMemory<byte> Write(string thingName, ModelIdentity model, string imageId, DateTimeOffset timestamp,
        int imageWidth, int imageHeight, IReadOnlyList<Detection> detections, IReadOnlyList<string> classNames,
        StageLatency latency, bool captured)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("messageType", MessageType);
        w.WriteString("thingName", thingName);
        w.WriteString("modelComponentVersion", model.ComponentVersion);
        w.WriteString("modelPackageVersion", model.PackageVersion);
        w.WriteString("imageId", imageId);
        w.WriteString("timestamp", timestamp.UtcDateTime); // ISO 8601, UTC ("Z"), written without a string
        w.WriteStartObject("image");
        w.WriteNumber("width", imageWidth);
        w.WriteNumber("height", imageHeight);
        w.WriteEndObject();
        w.WriteStartArray("detections");
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            w.WriteStartObject();
            w.WriteNumber("classId", d.ClassId);
            w.WriteString("className", d.ClassId >= 0 && d.ClassId < classNames.Count ? classNames[d.ClassId] : $"class{d.ClassId}");
            w.WriteNumber("confidence", Math.Round(d.Confidence, 4));
            w.WriteStartObject("box");
            w.WriteNumber("x1", Math.Round(d.Box.X1, 1));
            w.WriteNumber("y1", Math.Round(d.Box.Y1, 1));
            w.WriteNumber("x2", Math.Round(d.Box.X2, 1));
            w.WriteNumber("y2", Math.Round(d.Box.Y2, 1));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("latencyMs");
        w.WriteNumber("decode", Math.Round(latency.DecodeMs, 3));
        w.WriteNumber("preprocess", Math.Round(latency.PreprocessMs, 3));
        w.WriteNumber("inference", Math.Round(latency.InferenceMs, 3));
        w.WriteNumber("postprocess", Math.Round(latency.PostprocessMs, 3));
        w.WriteNumber("total", Math.Round(latency.TotalMs, 3));
        w.WriteEndObject();
        w.WriteBoolean("captured", captured);
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenMemory;
    }
}
