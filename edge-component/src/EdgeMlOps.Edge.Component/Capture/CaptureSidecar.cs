using System.Text.Json;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Component.Capture;

/// <summary>Builds the sidecar (<see cref="CaptureMetadata"/>) of a frame the <see cref="CaptureDecision"/> kept.</summary>
public static class CaptureSidecar
{
    public static CaptureMetadata Build(string imageId, string thingName, DateTimeOffset capturedAt, CaptureReason reason,
        float? bestConfidence, ModelIdentity model, ReadOnlySpan<byte> resultMessage, int imageWidth, int imageHeight,
        IReadOnlyList<Detection> detections, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);
        float width = Math.Max(1, imageWidth);
        float height = Math.Max(1, imageHeight);
        var reader = new Utf8JsonReader(resultMessage);
        return new CaptureMetadata
        {
            ThingName = thingName,
            ModelVersion = model.ComponentVersion,
            ModelPackageVersion = model.PackageVersion,
            CapturedAt = capturedAt,
            ImageId = imageId,
            Reason = reason switch
            {
                CaptureReason.Uncertain => CaptureReasons.Uncertain,
                CaptureReason.Drift => CaptureReasons.Drift,
                _ => CaptureReasons.RandomSample,
            },
            BestConfidence = bestConfidence,
            // The sidecar's boxes are normalised to [0, 1] of the image; the result message's are in pixels.
            Detections = detections.Select(d => new CaptureDetection(
                d.ClassId >= 0 && d.ClassId < classNames.Count ? classNames[d.ClassId] : $"class{d.ClassId}", d.Confidence,
                d.Box.X1 / width, d.Box.Y1 / height, (d.Box.X2 - d.Box.X1) / width, (d.Box.Y2 - d.Box.Y1) / height)).ToList(),
            InferenceResult = JsonElement.ParseValue(ref reader),
        };
    }
}
