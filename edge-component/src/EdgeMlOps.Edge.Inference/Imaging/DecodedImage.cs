namespace EdgeMlOps.Edge.Inference.Imaging;

/// <summary>
/// A reusable RGB (3 bytes per pixel, tightly packed) pixel buffer. <see cref="Width"/>/<see cref="Height"/> are
/// the decoded size, which may be a DCT-scaled fraction of <see cref="OriginalWidth"/>/<see cref="OriginalHeight"/>
/// (the JPEG's own size, which detections are reported in). The buffer grows when needed and is never shrunk, so
/// a stream of same-sized frames allocates once.
/// </summary>
public sealed class DecodedImage
{
    private byte[] _pixels = [];

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int OriginalWidth { get; private set; }

    public int OriginalHeight { get; private set; }

    public ReadOnlySpan<byte> Pixels => _pixels.AsSpan(0, Width * Height * 3);

    internal byte[] Reserve(int width, int height, int originalWidth, int originalHeight)
    {
        var needed = checked(width * height * 3);
        if (_pixels.Length < needed)
        {
            _pixels = GC.AllocateUninitializedArray<byte>(needed);
        }

        Width = width;
        Height = height;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        return _pixels;
    }

    /// <summary>Fills the image from packed RGB pixels (tests and synthetic sources).</summary>
    public void SetPixels(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}.", nameof(rgb));
        }

        rgb.CopyTo(Reserve(width, height, width, height));
    }
}
