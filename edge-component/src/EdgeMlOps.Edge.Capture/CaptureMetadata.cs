using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Edge.Capture;

/// <summary>One detection in a captured frame; the box is normalised to [0, 1] of the image size.</summary>
public sealed record CaptureDetection(string Label, float Confidence, float X, float Y, float Width, float Height);

/// <summary>The sidecar stored and uploaded with each captured image (as <c>&lt;sha256&gt;.json</c>); null members are left out.</summary>
public sealed record CaptureMetadata
{
    /// <summary>The device's IoT thing name; it is a segment of the S3 key.</summary>
    public required string ThingName { get; init; }

    /// <summary>The model version that produced <see cref="Detections"/>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When the frame was captured; its UTC date forms the <c>yyyy/MM/dd</c> key segments.</summary>
    public required DateTimeOffset CapturedAt { get; init; }

    /// <summary>Why the frame was kept, e.g. "uncertain" or "random-sample". Default: "unspecified".</summary>
    public string Reason { get; init; } = "unspecified";

    /// <summary>Best detection confidence of the frame. Default: null (no detection).</summary>
    public float? BestConfidence { get; init; }

    /// <summary>Detections of the frame. Default: none.</summary>
    public IReadOnlyList<CaptureDetection> Detections { get; init; } = [];

    /// <summary>The frame's id at the source (e.g. its file name). Default: null, left out of the sidecar.</summary>
    public string? ImageId { get; init; }

    /// <summary>The model package version, when it differs from the component version in <see cref="ModelVersion"/>. Default: null.</summary>
    public string? ModelPackageVersion { get; init; }

    /// <summary>The inference result message as published to IoT Core, embedded as-is. Default: null, left out.</summary>
    public JsonElement? InferenceResult { get; init; }

    /// <summary>SHA-256 of the image bytes (lowercase hex), set by the spool on enqueue.</summary>
    [JsonInclude]
    public string ImageSha256 { get; internal set; } = "";
}
