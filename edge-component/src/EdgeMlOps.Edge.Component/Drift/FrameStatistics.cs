using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Component.Drift;

/// <summary>The image statistics of one frame (<see cref="DriftStatistics"/>).</summary>
public readonly record struct ImageStatistics(double Brightness, double Contrast, double Sharpness);

/// <summary>
/// Computes a frame's drift statistics on the <see cref="DriftStatistics.GridSize"/>² sample grid of an RGB image,
/// exactly as evaluate.py does for the baseline: brightness, contrast and sharpness of luma, and the colour
/// histogram (counts added to a 3 × <see cref="DriftStatistics.ColourBinsPerChannel"/> span). The grid keeps the
/// cost constant whatever the resolution: 2,304 points, five luma reads each.
/// </summary>
public static class FrameStatistics
{
    /// <summary>Image width the Laplacian's neighbour spacing is relative to: neighbours are about width ÷ this apart (at least 1 pixel).</summary>
    public const int SharpnessReferenceWidth = 640;

    public const int ColourBins = 3 * DriftStatistics.ColourBinsPerChannel;

    /// <summary>Statistics of <paramref name="rgb"/> (interleaved R, G, B bytes, row-major); adds each sample point's colour bins to <paramref name="colourCounts"/>.</summary>
    public static ImageStatistics Compute(ReadOnlySpan<byte> rgb, int width, int height, Span<long> colourCounts)
    {
        if (width < 1 || height < 1 || rgb.Length < width * height * 3)
        {
            throw new ArgumentException($"an RGB image of {width}x{height} needs {width * height * 3} bytes, got {rgb.Length}");
        }

        if (colourCounts.Length != ColourBins)
        {
            throw new ArgumentException($"the colour histogram has {ColourBins} bins, got {colourCounts.Length}");
        }

        const int g = DriftStatistics.GridSize;
        const int shift = 8 - 3; // 256 values / 8 bins per channel = 32 = 2^5
        var offset = Math.Max(1, (int)Math.Round(width / (double)SharpnessReferenceWidth, MidpointRounding.AwayFromZero));
        double sum = 0;
        double sumSquares = 0;
        double laplacian = 0;
        for (var j = 0; j < g; j++)
        {
            var y = (int)((j + 0.5) * height / g);
            var up = Math.Max(0, y - offset);
            var down = Math.Min(height - 1, y + offset);
            for (var i = 0; i < g; i++)
            {
                var x = (int)((i + 0.5) * width / g);
                var at = ((y * width) + x) * 3;
                var r = rgb[at];
                var gr = rgb[at + 1];
                var b = rgb[at + 2];
                colourCounts[r >> shift]++;
                colourCounts[DriftStatistics.ColourBinsPerChannel + (gr >> shift)]++;
                colourCounts[(2 * DriftStatistics.ColourBinsPerChannel) + (b >> shift)]++;
                var luma = Luma(r, gr, b);
                sum += luma;
                sumSquares += luma * luma;
                var left = Math.Max(0, x - offset);
                var right = Math.Min(width - 1, x + offset);
                var neighbours = LumaAt(rgb, width, left, y) + LumaAt(rgb, width, right, y) + LumaAt(rgb, width, x, up) + LumaAt(rgb, width, x, down);
                laplacian += Math.Abs(neighbours - (4 * luma));
            }
        }

        const double n = g * g;
        var mean = sum / n;
        var variance = Math.Max(0, (sumSquares / n) - (mean * mean));
        return new ImageStatistics(mean, Math.Sqrt(variance), laplacian / n);
    }

    private static double LumaAt(ReadOnlySpan<byte> rgb, int width, int x, int y)
    {
        var at = ((y * width) + x) * 3;
        return Luma(rgb[at], rgb[at + 1], rgb[at + 2]);
    }

    private static double Luma(byte r, byte g, byte b) => (0.299 * r) + (0.587 * g) + (0.114 * b);
}
