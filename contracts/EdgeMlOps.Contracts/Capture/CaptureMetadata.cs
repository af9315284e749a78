using System.Text.Json;

namespace EdgeMlOps.Contracts;

/// <summary>One detection in a captured frame; the box is normalised to [0, 1] of the image size.</summary>
public sealed record CaptureDetection(string Label, float Confidence, float X, float Y, float Width, float Height);

/// <summary>Why a frame was kept (<see cref="CaptureMetadata.Reason"/>).</summary>
public static class CaptureReasons
{
    /// <summary>The best confidence fell in the uncertainty band: the frames labeling needs most.</summary>
    public const string Uncertain = "uncertain";

    /// <summary>Kept at random (the sample fraction), so labeling also sees ordinary frames.</summary>
    public const string RandomSample = "random-sample";

    /// <summary>Kept by the raised sample fraction while the device's frames drift from the training baseline.</summary>
    public const string Drift = "drift";

    public const string Unspecified = "unspecified";
}

/// <summary>
/// The sidecar of a captured image: built by the component when it keeps a frame, stored in the spool and uploaded
/// next to the image (<see cref="CaptureLayout.SidecarKey"/>). JSON in camelCase; null members are left out.
/// </summary>
public sealed record CaptureMetadata
{
    /// <summary>JSON of the sidecar: camelCase, indented, null members left out.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The device's IoT thing name; it is a segment of the S3 key.</summary>
    public required string ThingName { get; init; }

    /// <summary>The model component version that produced <see cref="Detections"/>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When the frame was captured; its UTC date forms the <c>yyyy/MM/dd</c> key segments.</summary>
    public required DateTimeOffset CapturedAt { get; init; }

    /// <summary>Why the frame was kept, one of <see cref="CaptureReasons"/>. Default: "unspecified".</summary>
    public string Reason { get; init; } = CaptureReasons.Unspecified;

    /// <summary>Best detection confidence of the frame. Default: null (no detection).</summary>
    public float? BestConfidence { get; init; }

    /// <summary>Detections of the frame. Default: none.</summary>
    public IReadOnlyList<CaptureDetection> Detections { get; init; } = [];

    /// <summary>The frame's id at the source (e.g. its file name). Default: null, left out of the sidecar.</summary>
    public string? ImageId { get; init; }

    /// <summary>The model package version, when it differs from the component version in <see cref="ModelVersion"/>. Default: null.</summary>
    public string? ModelPackageVersion { get; init; }

    /// <summary>The result message as published to IoT Core (<see cref="InferenceResultMessage"/>), embedded as-is. Default: null, left out.</summary>
    public JsonElement? InferenceResult { get; init; }

    /// <summary>SHA-256 of the image bytes (lowercase hex), set by the spool on enqueue. Default: empty.</summary>
    public string ImageSha256 { get; init; } = string.Empty;

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a sidecar; a damaged one throws <see cref="JsonException"/> or <see cref="InvalidDataException"/>.</summary>
    public static CaptureMetadata Read(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<CaptureMetadata>(json, Json) ?? throw new InvalidDataException("the capture sidecar is null");
}
