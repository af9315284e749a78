using System.Numerics;
using System.Runtime.InteropServices;
using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// Letterboxes an RGB image into a model input: bilinear resize with the aspect ratio kept, grey padding (114),
/// values scaled to 0–1, planar NCHW float32. Work buffers are kept between calls (reallocated only when the
/// source size changes), and the vertical blend, scaling and padding run on <see cref="Vector{T}"/>.
/// Not thread-safe: one instance per pipeline stage.
/// </summary>
public sealed class LetterboxPreprocessor
{
    public const byte PadValue = 114;

    private int[] _xIndex = [];
    private float[] _xWeight = [];
    private float[] _rowA = [];
    private float[] _rowB = [];
    private int _cachedSourceWidth = -1;
    private int _cachedScaledWidth = -1;

    public LetterboxPreprocessor(int inputWidth, int inputHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        InputWidth = inputWidth;
        InputHeight = inputHeight;
    }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>The number of floats <see cref="Process"/> writes: 3 × height × width.</summary>
    public int TensorLength => 3 * InputWidth * InputHeight;

    /// <summary>
    /// Writes <paramref name="image"/> letterboxed into <paramref name="tensor"/> and returns the geometry in terms of
    /// the image's original size (so boxes map back to original pixels even when the decoder scaled it down).
    /// </summary>
    public LetterboxGeometry Process(DecodedImage image, Span<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (tensor.Length < TensorLength)
        {
            throw new ArgumentException($"Tensor needs {TensorLength} floats, has {tensor.Length}.", nameof(tensor));
        }

        var geometry = new LetterboxGeometry(image.OriginalWidth, image.OriginalHeight, InputWidth, InputHeight);
        var plane = InputWidth * InputHeight;
        tensor[..TensorLength].Fill(PadValue / 255f);

        var scaledW = geometry.ScaledWidth;
        var scaledH = geometry.ScaledHeight;
        PrepareColumns(image.Width, scaledW);

        var pixels = image.Pixels;
        var srcW = image.Width;
        var srcH = image.Height;
        var yRatio = (double)srcH / scaledH;
        var loadedA = -1;
        var loadedB = -1;
        var rowLength = 3 * scaledW;
        for (var y = 0; y < scaledH; y++)
        {
            // Pixel-centre sampling, as cv2.resize(INTER_LINEAR) does.
            var sy = Math.Max((y + 0.5) * yRatio - 0.5, 0);
            var y0 = Math.Min((int)sy, srcH - 1);
            var y1 = Math.Min(y0 + 1, srcH - 1);
            var wy = (float)(sy - y0);

            if (loadedA != y0)
            {
                if (loadedB == y0)
                {
                    (_rowA, _rowB) = (_rowB, _rowA);
                    loadedA = y0;
                    loadedB = -1;
                }
                else
                {
                    ResizeRow(pixels.Slice(y0 * srcW * 3, srcW * 3), _rowA, scaledW);
                    loadedA = y0;
                }
            }

            if (loadedB != y1)
            {
                ResizeRow(pixels.Slice(y1 * srcW * 3, srcW * 3), _rowB, scaledW);
                loadedB = y1;
            }

            var outRow = geometry.PadTop + y;
            var baseOffset = outRow * InputWidth + geometry.PadLeft;
            BlendRows(_rowA.AsSpan(0, rowLength), _rowB.AsSpan(0, rowLength), wy, scaledW,
                tensor.Slice(baseOffset, scaledW),
                tensor.Slice(plane + baseOffset, scaledW),
                tensor.Slice(2 * plane + baseOffset, scaledW));
        }

        return geometry;
    }

    private void PrepareColumns(int sourceWidth, int scaledWidth)
    {
        if (_cachedSourceWidth == sourceWidth && _cachedScaledWidth == scaledWidth)
        {
            return;
        }

        _xIndex = new int[scaledWidth];
        _xWeight = new float[scaledWidth];
        // Rows are stored planar: [R0..Rn, G0..Gn, B0..Bn].
        _rowA = new float[3 * scaledWidth];
        _rowB = new float[3 * scaledWidth];
        var ratio = (double)sourceWidth / scaledWidth;
        for (var x = 0; x < scaledWidth; x++)
        {
            var sx = Math.Max((x + 0.5) * ratio - 0.5, 0);
            var x0 = Math.Min((int)sx, sourceWidth - 1);
            _xIndex[x] = x0;
            _xWeight[x] = x0 >= sourceWidth - 1 ? 0f : (float)(sx - x0);
        }

        _cachedSourceWidth = sourceWidth;
        _cachedScaledWidth = scaledWidth;
    }

    /// <summary>Horizontal pass: one interleaved RGB source row to three planar float rows (0–255).</summary>
    private void ResizeRow(ReadOnlySpan<byte> source, float[] destination, int scaledWidth)
    {
        var xIndex = _xIndex;
        var xWeight = _xWeight;
        var red = destination.AsSpan(0, scaledWidth);
        var green = destination.AsSpan(scaledWidth, scaledWidth);
        var blue = destination.AsSpan(2 * scaledWidth, scaledWidth);
        var lastPixel = source.Length - 3;
        for (var x = 0; x < scaledWidth; x++)
        {
            var i0 = xIndex[x] * 3;
            var i1 = Math.Min(i0 + 3, lastPixel);
            var w = xWeight[x];
            red[x] = source[i0] + ((source[i1] - source[i0]) * w);
            green[x] = source[i0 + 1] + ((source[i1 + 1] - source[i0 + 1]) * w);
            blue[x] = source[i0 + 2] + ((source[i1 + 2] - source[i0 + 2]) * w);
        }
    }

    /// <summary>Vertical pass: blends two planar rows and scales to 0–1, vectorised.</summary>
    private static void BlendRows(ReadOnlySpan<float> rowA, ReadOnlySpan<float> rowB, float wy, int width,
        Span<float> red, Span<float> green, Span<float> blue)
    {
        BlendPlane(rowA[..width], rowB[..width], wy, red);
        BlendPlane(rowA.Slice(width, width), rowB.Slice(width, width), wy, green);
        BlendPlane(rowA.Slice(2 * width, width), rowB.Slice(2 * width, width), wy, blue);
    }

    private static void BlendPlane(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float wy, Span<float> destination)
    {
        const float inverse255 = 1f / 255f;
        var wa = (1f - wy) * inverse255;
        var wb = wy * inverse255;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            var vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var weightA = new Vector<float>(wa);
            var weightB = new Vector<float>(wb);
            for (var v = 0; v < va.Length; v++)
            {
                vd[v] = (va[v] * weightA) + (vb[v] * weightB);
            }

            i = va.Length * Vector<float>.Count;
        }

        for (; i < a.Length; i++)
        {
            destination[i] = (a[i] * wa) + (b[i] * wb);
        }
    }
}
