using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeComponent.Tests.Support;

/// <summary>Image bytes for tests: synthetic JPEGs and the bad inputs the component must survive.</summary>
public static class TestImages
{
    /// <summary>A real 450×300 photo from the dataset copy in tests/data/edge/images.</summary>
    public static byte[] RealJpeg() => File.ReadAllBytes(Directory.GetFiles(RepositoryPaths.TestImages, "*.jpg").Order(StringComparer.Ordinal).First());

    /// <summary>A solid-colour JPEG of the given size.</summary>
    public static byte[] SolidJpeg(int width, int height, byte r = 200, byte g = 120, byte b = 40, bool greyscale = false, bool progressive = false)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = r;
            rgb[i + 1] = g;
            rgb[i + 2] = b;
        }

        return JpegEncoder.EncodeRgb(rgb, width, height, quality: 95, greyscale, progressive);
    }

    /// <summary>A CMYK (Adobe YCCK) JPEG, as print workflows write them.</summary>
    public static byte[] CmykJpeg(int width = 32, int height = 16)
    {
        var cmyk = new byte[width * height * 4];
        cmyk.AsSpan().Fill(64);
        return JpegEncoder.EncodeCmyk(cmyk, width, height);
    }

    /// <summary>The first half of a real JPEG.</summary>
    public static byte[] TruncatedJpeg()
    {
        var jpeg = RealJpeg();
        return jpeg[..(jpeg.Length / 2)];
    }

    /// <summary>A valid 1×1 PNG (signature, IHDR, IDAT, IEND) — what a camera might write under a .jpg name.</summary>
    public static byte[] Png() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    /// <summary>
    /// A JPEG whose frame header (SOF) claims 10000×10000: a small real JPEG with the SOF's height and width fields
    /// rewritten. Decoding it would be wrong; reading its header is all the component may do.
    /// </summary>
    public static byte[] HugeHeaderJpeg(int width = 10_000, int height = 10_000) => WithHeaderSize(SolidJpeg(16, 16), width, height);

    /// <summary>A copy of <paramref name="source"/> whose frame header (SOF) declares <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] WithHeaderSize(byte[] source, int width, int height)
    {
        var jpeg = source.ToArray();
        for (var i = 2; i < jpeg.Length - 9; i++)
        {
            // SOF0..SOF2 markers: FF C0 / FF C1 / FF C2, then length (2), precision (1), height (2), width (2).
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                jpeg[i + 5] = (byte)(height >> 8);
                jpeg[i + 6] = (byte)height;
                jpeg[i + 7] = (byte)(width >> 8);
                jpeg[i + 8] = (byte)width;
                return jpeg;
            }
        }

        throw new InvalidOperationException("No SOF marker in the encoded JPEG.");
    }
}
