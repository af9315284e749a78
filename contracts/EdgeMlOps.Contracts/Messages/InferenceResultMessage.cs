using System.Text.Json.Nodes;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The per-frame result message: written by the inference component on its results topic, embedded in each
/// capture's sidecar (<see cref="CaptureMetadata.InferenceResult"/>). The component writes it with a reused
/// <c>Utf8JsonWriter</c> (no per-frame allocation) using the names in <see cref="Fields"/>; this record reads it.
/// </summary>
public sealed record InferenceResultMessage
{
    public const int CurrentSchemaVersion = 1;
    public const string Type = "inference-result";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string MessageType { get; init; } = Type;

    public string ThingName { get; init; } = string.Empty;

    public string ModelComponentVersion { get; init; } = string.Empty;

    public string ModelPackageVersion { get; init; } = string.Empty;

    /// <summary>The frame's id at its source (e.g. the file name).</summary>
    public string ImageId { get; init; } = string.Empty;

    /// <summary>When the frame was captured (UTC, "Z").</summary>
    public DateTime Timestamp { get; init; }

    public ResultImage Image { get; init; } = new();

    public IReadOnlyList<ResultDetection> Detections { get; init; } = [];

    public ResultLatency LatencyMs { get; init; } = new();

    /// <summary>The frame was kept for labeling (uncertain or sampled).</summary>
    public bool Captured { get; init; }

    /// <summary>Reads a result message; an unknown major schema version throws <see cref="UnsupportedMessageException"/>.</summary>
    public static InferenceResultMessage Read(JsonObject message) =>
        MessageSchema.Read<InferenceResultMessage>(message, Type, CurrentSchemaVersion);

    /// <summary>Reads a result message from its JSON bytes.</summary>
    public static InferenceResultMessage Read(ReadOnlySpan<byte> json) =>
        Read(JsonNode.Parse(json) as JsonObject ?? throw new UnsupportedMessageException("a result message must be a JSON object"));

    /// <summary>The JSON names, for writers that do not serialise the record (they are its members in camelCase).</summary>
    public static class Fields
    {
        public const string SchemaVersion = MessageSchema.VersionField;
        public const string MessageType = MessageSchema.TypeField;
        public const string ThingName = "thingName";
        public const string ModelComponentVersion = "modelComponentVersion";
        public const string ModelPackageVersion = "modelPackageVersion";
        public const string ImageId = "imageId";
        public const string Timestamp = "timestamp";
        public const string Image = "image";
        public const string Width = "width";
        public const string Height = "height";
        public const string Detections = "detections";
        public const string ClassId = "classId";
        public const string ClassName = "className";
        public const string Confidence = "confidence";
        public const string Box = "box";
        public const string X1 = "x1";
        public const string Y1 = "y1";
        public const string X2 = "x2";
        public const string Y2 = "y2";
        public const string LatencyMs = "latencyMs";
        public const string Decode = "decode";
        public const string Preprocess = "preprocess";
        public const string Inference = "inference";
        public const string Postprocess = "postprocess";
        public const string Total = "total";
        public const string Captured = "captured";
    }
}

/// <summary>Size of the original frame in pixels.</summary>
public sealed record ResultImage
{
    public int Width { get; init; }

    public int Height { get; init; }
}

/// <summary>One detection, its box in original-image pixels (corners).</summary>
public sealed record ResultDetection
{
    public int ClassId { get; init; }

    public string ClassName { get; init; } = string.Empty;

    public double Confidence { get; init; }

    public ResultBox Box { get; init; } = new();
}

/// <summary>Box corners in pixels.</summary>
public sealed record ResultBox
{
    public double X1 { get; init; }

    public double Y1 { get; init; }

    public double X2 { get; init; }

    public double Y2 { get; init; }
}

/// <summary>Milliseconds per stage of the frame.</summary>
public sealed record ResultLatency
{
    public double Decode { get; init; }

    public double Preprocess { get; init; }

    public double Inference { get; init; }

    public double Postprocess { get; init; }

    public double Total { get; init; }
}
