using System.Text.Json.Serialization;

namespace EdgeMlOps.Labeling.Common;

/// <summary>One labeled box in pixels, as Ground Truth's bounding-box task writes it.</summary>
public readonly record struct BoundingBox(
    [property: JsonPropertyName("class_id")] int ClassId,
    [property: JsonPropertyName("top")] int Top,
    [property: JsonPropertyName("left")] int Left,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("width")] int Width)
{
    /// <summary>True when the box has a positive size and lies wholly inside a <paramref name="imageWidth"/> x <paramref name="imageHeight"/> image.</summary>
    public bool FitsInside(int imageWidth, int imageHeight) =>
        Width > 0 && Height > 0 && Left >= 0 && Top >= 0
        && (long)Left + Width <= imageWidth && (long)Top + Height <= imageHeight;

    public override string ToString() => $"class {ClassId} at left {Left}, top {Top}, {Width}x{Height}";
}
