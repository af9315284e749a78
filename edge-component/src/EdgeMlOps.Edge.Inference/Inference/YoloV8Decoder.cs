using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// Turns a YOLOv8 detection output <c>[1, 4+nc, N]</c> (rows: cx, cy, w, h in input pixels, then one score per
/// class; columns: anchors) into detections in original-image pixels: best class per anchor (vectorised over
/// anchors), confidence threshold, class-wise NMS, max detections, letterbox undone. Buffers are sized once for
/// the model; not thread-safe.
/// </summary>
public sealed class YoloV8Decoder
{
    /// <summary>
    /// Upper bound on boxes entering NMS, ultralytics' <c>max_nms</c>: when more anchors pass the threshold, the
    /// best-scoring ones are kept (as its <c>non_max_suppression</c> does), never the first by anchor index — at large
    /// inputs that would drop the stride-32 anchors, which come last, whatever their scores.
    /// </summary>
    public const int MaxCandidates = 30_000;

    private readonly float[] _bestScore;
    private readonly int[] _bestClass;
    private readonly IndexedDetection[] _candidates;

    public YoloV8Decoder(int classCount, int anchorCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(anchorCount);
        ClassCount = classCount;
        AnchorCount = anchorCount;
        _bestScore = new float[anchorCount];
        _bestClass = new int[anchorCount];
        _candidates = new IndexedDetection[anchorCount];
    }

    public int ClassCount { get; }

    public int AnchorCount { get; }

    /// <summary>The output length this decoder expects: (4 + classes) × anchors.</summary>
    public int OutputLength => (4 + ClassCount) * AnchorCount;

    /// <summary>Decodes <paramref name="output"/> into <paramref name="results"/> (cleared first), best first.</summary>
    public void Decode(ReadOnlySpan<float> output, LetterboxGeometry geometry, PostprocessOptions options,
        List<Detection> results)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        if (output.Length != OutputLength)
        {
            throw new ArgumentException($"Output has {output.Length} values; expected {OutputLength} = (4+{ClassCount})x{AnchorCount}.", nameof(output));
        }

        results.Clear();
        var n = AnchorCount;
        FindBestClasses(output, n);

        var threshold = options.ConfidenceThreshold;
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            var score = _bestScore[i];
            if (score < threshold || float.IsNaN(score))
            {
                continue;
            }

            var box = BoundingBox.FromCenter(output[i], output[n + i], output[(2 * n) + i], output[(3 * n) + i]);
            _candidates[count++] = new IndexedDetection(i, new Detection(_bestClass[i], score, box));
        }

        if (count > MaxCandidates)
        {
            // Best first (ties: lower anchor first), then the cap; NMS sorts the kept ones again, already in order.
            _candidates.AsSpan(0, count).Sort(NonMaximumSuppression.BestFirst);
            count = MaxCandidates;
        }

        var kept = NonMaximumSuppression.Apply(_candidates.AsSpan(0, count), options.IouThreshold, options.MaxDetections);
        for (var k = 0; k < kept; k++)
        {
            var d = _candidates[k].Detection;
            var mapped = new BoundingBox(geometry.MapX(d.Box.X1), geometry.MapY(d.Box.Y1), geometry.MapX(d.Box.X2), geometry.MapY(d.Box.Y2));
            results.Add(d with { Box = mapped });
        }
    }

    private void FindBestClasses(ReadOnlySpan<float> output, int n)
    {
        var best = _bestScore.AsSpan();
        var bestClass = _bestClass.AsSpan();
        output.Slice(4 * n, n).CopyTo(best);
        bestClass.Clear();
        var vectorised = Vector.IsHardwareAccelerated && Vector<float>.Count == Vector<int>.Count ? n / Vector<float>.Count * Vector<float>.Count : 0;
        var bestVectors = MemoryMarshal.Cast<float, Vector<float>>(best[..vectorised]);
        var classVectors = MemoryMarshal.Cast<int, Vector<int>>(bestClass[..vectorised]);
        for (var c = 1; c < ClassCount; c++)
        {
            var row = output.Slice((4 + c) * n, n);
            var rowVectors = MemoryMarshal.Cast<float, Vector<float>>(row[..vectorised]);
            var classVector = new Vector<int>(c);
            for (var v = 0; v < rowVectors.Length; v++)
            {
                // Strictly greater: on equal scores the lower class id wins.
                var mask = Vector.GreaterThan(rowVectors[v], bestVectors[v]);
                bestVectors[v] = Vector.ConditionalSelect(mask, rowVectors[v], bestVectors[v]);
                classVectors[v] = Vector.ConditionalSelect(mask, classVector, classVectors[v]);
            }

            for (var i = vectorised; i < n; i++)
            {
                if (row[i] > best[i])
                {
                    best[i] = row[i];
                    bestClass[i] = c;
                }
            }
        }
    }
}
