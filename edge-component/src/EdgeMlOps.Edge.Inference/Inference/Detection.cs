namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>An axis-aligned box by its corners, x1 ≤ x2 and y1 ≤ y2.</summary>
public readonly record struct BoundingBox(float X1, float Y1, float X2, float Y2)
{
    public float Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);

    public static BoundingBox FromCenter(float cx, float cy, float width, float height) =>
        new(cx - (width / 2), cy - (height / 2), cx + (width / 2), cy + (height / 2));

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public float IntersectionOverUnion(BoundingBox other)
    {
        var ix = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var iy = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (ix <= 0 || iy <= 0)
        {
            return 0;
        }

        var intersection = ix * iy;
        var union = Area + other.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}

/// <summary>One detected object: class, confidence and box.</summary>
public readonly record struct Detection(int ClassId, float Confidence, BoundingBox Box);

/// <summary>Post-processing thresholds.</summary>
public sealed record PostprocessOptions
{
    /// <summary>Minimum class confidence kept. Default: 0.25.</summary>
    public float ConfidenceThreshold { get; init; } = 0.25f;

    /// <summary>Boxes of the same class overlapping a better one by more than this IoU are dropped. Default: 0.45.</summary>
    public float IouThreshold { get; init; } = 0.45f;

    /// <summary>At most this many detections per frame, best first. Default: 100.</summary>
    public int MaxDetections { get; init; } = 100;
}
