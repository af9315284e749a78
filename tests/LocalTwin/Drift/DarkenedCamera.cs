using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeMlOps.LocalTwin.Drift;

/// <summary>
/// What a camera with a failing light and a fogged lens delivers: every frame darkened (each channel scaled by
/// <see cref="Gain"/>) and blurred (a <see cref="BlurRadius"/>-pixel box blur, applied twice). Rewrites the JPEG
/// files a simulated camera replays, each replaced atomically so the component never reads half a file.
/// </summary>
public static class DarkenedCamera
{
    public const double Gain = 0.35;

    public const int BlurRadius = 3;

    /// <summary>Replaces every file of <paramref name="folder"/> by its darkened, blurred version; returns how many.</summary>
    public static int Darken(string folder)
    {
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            if (decoder.Decode(File.ReadAllBytes(file), image) != ImageFailureReason.None)
            {
                throw new InvalidDataException($"{file} does not decode: {decoder.LastError}");
            }

            var rgb = image.Pixels.ToArray();
            for (var i = 0; i < rgb.Length; i++)
            {
                rgb[i] = (byte)Math.Round(rgb[i] * Gain);
            }

            rgb = BoxBlur(BoxBlur(rgb, image.Width, image.Height), image.Width, image.Height);
            // A hidden name: the camera's folder replay skips it while it is written.
            var temporary = Path.Combine(folder, $".{Path.GetFileName(file)}.darkened");
            File.WriteAllBytes(temporary, JpegEncoder.EncodeRgb(rgb, image.Width, image.Height, quality: 90));
            File.Move(temporary, file, overwrite: true);
        }

        return files.Count;
    }

    /// <summary>A box blur of <see cref="BlurRadius"/> pixels (horizontal, then vertical), edges clamped.</summary>
    private static byte[] BoxBlur(byte[] rgb, int width, int height)
    {
        var horizontal = new byte[rgb.Length];
        var output = new byte[rgb.Length];
        const int span = (2 * BlurRadius) + 1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var k = -BlurRadius; k <= BlurRadius; k++)
                    {
                        sum += rgb[(((y * width) + Math.Clamp(x + k, 0, width - 1)) * 3) + c];
                    }

                    horizontal[(((y * width) + x) * 3) + c] = (byte)(sum / span);
                }
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var k = -BlurRadius; k <= BlurRadius; k++)
                    {
                        sum += horizontal[(((Math.Clamp(y + k, 0, height - 1) * width) + x) * 3) + c];
                    }

                    output[(((y * width) + x) * 3) + c] = (byte)(sum / span);
                }
            }
        }

        return output;
    }
}
