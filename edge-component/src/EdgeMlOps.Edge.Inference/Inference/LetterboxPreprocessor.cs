using System.Numerics;
using System.Runtime.InteropServices;
using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// Letterboxes an RGB image into a model input as ultralytics' <c>LetterBox</c> does for a fixed-size ONNX model
/// (geometry in <see cref="LetterboxGeometry"/>): <c>cv2.resize(INTER_LINEAR)</c> to the scaled size, grey padding
/// (114), values scaled to 0–1, planar NCHW float32. The resize reproduces OpenCV's 8-bit bilinear arithmetic —
/// pixel-centre sampling, weights in 11-bit fixed point, the vertical blend and rounding of its vectorised row
/// kernel, 8-bit results — so the tensor matches the training side's to the grey level. Work buffers are kept
/// between calls (reallocated only when the source size changes); the vertical blend runs on <see cref="Vector{T}"/>.
/// Not thread-safe: one instance per pipeline stage.
/// </summary>
public sealed class LetterboxPreprocessor
{
    public const byte PadValue = 114;

    /// <summary>OpenCV's INTER_RESIZE_COEF_BITS: interpolation weights are integers out of 2^11.</summary>
    private const int CoefficientBits = 11;
    private const float CoefficientScale = 1 << CoefficientBits;

    private int[] _xIndex = [];
    private int[] _xWeight0 = [];
    private int[] _xWeight1 = [];
    private int[] _rowA = [];
    private int[] _rowB = [];
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
        // OpenCV: scale = 1 / (dst / src), the sample position in single precision.
        var yScale = 1.0 / ((double)scaledH / srcH);
        var loadedA = -1;
        var loadedB = -1;
        var rowLength = 3 * scaledW;
        for (var y = 0; y < scaledH; y++)
        {
            var (y0, y1, beta0, beta1) = Taps(y, yScale, srcH, resetWeightAtEdges: false);
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
            BlendRows(_rowA.AsSpan(0, rowLength), _rowB.AsSpan(0, rowLength), beta0, beta1, scaledW,
                tensor.Slice(baseOffset, scaledW),
                tensor.Slice(plane + baseOffset, scaledW),
                tensor.Slice(2 * plane + baseOffset, scaledW));
        }

        return geometry;
    }

    /// <summary>
    /// OpenCV's two taps for output index <paramref name="d"/>: source indices and fixed-point weights, pixel-centre
    /// sampling. Outside the source, columns take the edge pixel whole (OpenCV resets the weight); rows keep their
    /// weights and both taps read the edge row (OpenCV clamps only the row index).
    /// </summary>
    private static (int I0, int I1, int W0, int W1) Taps(int d, double scale, int sourceLength, bool resetWeightAtEdges)
    {
        var f = (float)(((d + 0.5) * scale) - 0.5);
        var i = (int)MathF.Floor(f);
        f -= i;
        if (resetWeightAtEdges && i < 0)
        {
            (i, f) = (0, 0f);
        }

        if (resetWeightAtEdges && i >= sourceLength - 1)
        {
            (i, f) = (sourceLength - 1, 0f);
        }

        // saturate_cast<short>(w * 2^11): round half to even, as cvRound does.
        var w0 = (int)Math.Round((1f - f) * CoefficientScale, MidpointRounding.ToEven);
        var w1 = (int)Math.Round(f * CoefficientScale, MidpointRounding.ToEven);
        return (Math.Clamp(i, 0, sourceLength - 1), Math.Clamp(i + 1, 0, sourceLength - 1), w0, w1);
    }

    private void PrepareColumns(int sourceWidth, int scaledWidth)
    {
        if (_cachedSourceWidth == sourceWidth && _cachedScaledWidth == scaledWidth)
        {
            return;
        }

        _xIndex = new int[scaledWidth];
        _xWeight0 = new int[scaledWidth];
        _xWeight1 = new int[scaledWidth];
        // Rows are stored planar: [R0..Rn, G0..Gn, B0..Bn].
        _rowA = new int[3 * scaledWidth];
        _rowB = new int[3 * scaledWidth];
        var scale = 1.0 / ((double)scaledWidth / sourceWidth);
        for (var x = 0; x < scaledWidth; x++)
        {
            (_xIndex[x], _, _xWeight0[x], _xWeight1[x]) = Taps(x, scale, sourceWidth, resetWeightAtEdges: true);
        }

        _cachedSourceWidth = sourceWidth;
        _cachedScaledWidth = scaledWidth;
    }

    /// <summary>Horizontal pass: one interleaved RGB source row to three planar rows of fixed-point sums (0–255 × 2^11).</summary>
    private void ResizeRow(ReadOnlySpan<byte> source, int[] destination, int scaledWidth)
    {
        var xIndex = _xIndex;
        var weight0 = _xWeight0;
        var weight1 = _xWeight1;
        var red = destination.AsSpan(0, scaledWidth);
        var green = destination.AsSpan(scaledWidth, scaledWidth);
        var blue = destination.AsSpan(2 * scaledWidth, scaledWidth);
        var lastPixel = source.Length - 3;
        for (var x = 0; x < scaledWidth; x++)
        {
            var i0 = xIndex[x] * 3;
            var i1 = Math.Min(i0 + 3, lastPixel);
            var w0 = weight0[x];
            var w1 = weight1[x];
            red[x] = (source[i0] * w0) + (source[i1] * w1);
            green[x] = (source[i0 + 1] * w0) + (source[i1 + 1] * w1);
            blue[x] = (source[i0 + 2] * w0) + (source[i1 + 2] * w1);
        }
    }

    /// <summary>Vertical pass: blends two planar rows to 8-bit values and scales them to 0–1, vectorised.</summary>
    private static void BlendRows(ReadOnlySpan<int> rowA, ReadOnlySpan<int> rowB, int beta0, int beta1, int width,
        Span<float> red, Span<float> green, Span<float> blue)
    {
        BlendPlane(rowA[..width], rowB[..width], beta0, beta1, red);
        BlendPlane(rowA.Slice(width, width), rowB.Slice(width, width), beta0, beta1, green);
        BlendPlane(rowA.Slice(2 * width, width), rowB.Slice(2 * width, width), beta0, beta1, blue);
    }

    /// <summary>
    /// OpenCV's vectorised 8-bit vertical step: <c>((a &gt;&gt; 4) · β0 &gt;&gt; 16) + ((b &gt;&gt; 4) · β1 &gt;&gt; 16)</c>,
    /// then <c>(t + 2) &gt;&gt; 2</c> saturated to 0–255.
    /// </summary>
    private static void BlendPlane(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int beta0, int beta1, Span<float> destination)
    {
        const float inverse255 = 1f / 255f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<int>.Count && Vector<int>.Count == Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<int, Vector<int>>(a);
            var vb = MemoryMarshal.Cast<int, Vector<int>>(b);
            var weightA = new Vector<int>(beta0);
            var weightB = new Vector<int>(beta1);
            var two = new Vector<int>(2);
            var max = new Vector<int>(255);
            var scale = new Vector<float>(inverse255);
            var vectors = va.Length;
            for (var v = 0; v < vectors; v++)
            {
                var t = Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(va[v], 4) * weightA, 16) +
                        Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(vb[v], 4) * weightB, 16);
                var value = Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(t + two, 2), Vector<int>.Zero), max);
                (Vector.ConvertToSingle(value) * scale).CopyTo(destination.Slice(v * Vector<float>.Count, Vector<float>.Count));
            }

            i = vectors * Vector<int>.Count;
        }

        for (; i < a.Length; i++)
        {
            var t = (((a[i] >> 4) * beta0) >> 16) + (((b[i] >> 4) * beta1) >> 16);
            destination[i] = Math.Clamp((t + 2) >> 2, 0, 255) * inverse255;
        }
    }
}
