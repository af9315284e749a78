using System.Buffers;
using System.Text.Json;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Inference;
using F = EdgeMlOps.Contracts.InferenceResultMessage.Fields;

namespace EdgeMlOps.Edge.Component.Publishing;

/// <summary>Which model produced a result (reported in every message).</summary>
public sealed record ModelIdentity(string ComponentVersion, string PackageVersion);

/// <summary>Milliseconds spent in each stage of one frame.</summary>
public readonly record struct StageLatency(double DecodeMs, double PreprocessMs, double InferenceMs, double PostprocessMs)
{
    public double TotalMs => DecodeMs + PreprocessMs + InferenceMs + PostprocessMs;
}

/// <summary>
/// Serialises the per-frame result message (<see cref="InferenceResultMessage"/>, documented in
/// edge-component/README.md) into a reused buffer with the contract's names: no per-frame allocation beyond what
/// the writer itself needs. Not thread-safe: one instance per pipeline.
/// </summary>
public sealed class ResultMessageWriter
{
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
        w.WriteNumber(F.SchemaVersion, InferenceResultMessage.CurrentSchemaVersion);
        w.WriteString(F.MessageType, InferenceResultMessage.Type);
        w.WriteString(F.ThingName, thingName);
        w.WriteString(F.ModelComponentVersion, model.ComponentVersion);
        w.WriteString(F.ModelPackageVersion, model.PackageVersion);
        w.WriteString(F.ImageId, imageId);
        w.WriteString(F.Timestamp, timestamp.UtcDateTime); // ISO 8601, UTC ("Z"), written without a string
        w.WriteStartObject(F.Image);
        w.WriteNumber(F.Width, imageWidth);
        w.WriteNumber(F.Height, imageHeight);
        w.WriteEndObject();
        w.WriteStartArray(F.Detections);
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            w.WriteStartObject();
            w.WriteNumber(F.ClassId, d.ClassId);
            w.WriteString(F.ClassName, d.ClassId >= 0 && d.ClassId < classNames.Count ? classNames[d.ClassId] : $"class{d.ClassId}");
            w.WriteNumber(F.Confidence, Math.Round(d.Confidence, 4));
            w.WriteStartObject(F.Box);
            w.WriteNumber(F.X1, Math.Round(d.Box.X1, 1));
            w.WriteNumber(F.Y1, Math.Round(d.Box.Y1, 1));
            w.WriteNumber(F.X2, Math.Round(d.Box.X2, 1));
            w.WriteNumber(F.Y2, Math.Round(d.Box.Y2, 1));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject(F.LatencyMs);
        w.WriteNumber(F.Decode, Math.Round(latency.DecodeMs, 3));
        w.WriteNumber(F.Preprocess, Math.Round(latency.PreprocessMs, 3));
        w.WriteNumber(F.Inference, Math.Round(latency.InferenceMs, 3));
        w.WriteNumber(F.Postprocess, Math.Round(latency.PostprocessMs, 3));
        w.WriteNumber(F.Total, Math.Round(latency.TotalMs, 3));
        w.WriteEndObject();
        w.WriteBoolean(F.Captured, captured);
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenMemory;
    }
}
