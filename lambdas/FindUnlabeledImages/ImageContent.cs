namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Image formats Ground Truth's bounding-box task can show.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
}

/// <summary>
/// Decides whether an object is an image worth labeling. A <c>.jpg/.jpeg/.png</c> name is trusted (sniffing every
/// object would cost one GET each); any other name is judged by its first bytes, because cameras and copies
/// leave JPEGs under names such as <c>x.jpg_0</c> and those are still good images.
/// </summary>
public static class ImageContent
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs.</summary>
    public const int SniffLength = 8;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFormat FromExtension(string key)
    {
        var extension = Path.GetExtension(key).ToLowerInvariant();
        return extension switch
        {
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            ".png" => ImageFormat.Png,
            _ => ImageFormat.Unknown,
        };
    }

    public static ImageFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        return head.StartsWith(PngSignature) ? ImageFormat.Png : ImageFormat.Unknown;
    }
}
