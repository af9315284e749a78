using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Inference.Acceptance;

/// <summary>A labelled or predicted box of one image of an acceptance set, in original-image pixels.</summary>
public readonly record struct ScoredBox(int ClassId, float Confidence, BoundingBox Box);

/// <summary>Detection metrics of a set of predictions against labels (IoU 0.5), as ultralytics computes them.</summary>
public readonly record struct DetectionMetrics(double Precision, double Recall, double Map50, int TruePositives, int Predictions, int Labels);

/// <summary>How far the device's boxes reproduce the training side's (same class, IoU ≥ the parity IoU).</summary>
public readonly record struct ParityResult(double Parity, int ExpectedBoxes, int DeviceBoxes, int MatchedBoxes, double MaxConfidenceDifference);

/// <summary>
/// The arithmetic of the acceptance check, free of I/O: metrics against labels and parity between two sets of
/// predictions, per image then pooled over the set.
/// </summary>
public static class AcceptanceScoring
{
    /// <summary>IoU at which a prediction counts as finding a label (mAP50).</summary>
    public const float MetricIou = 0.5f;

    /// <summary>
    /// Precision, recall and mAP50 of <paramref name="predictions"/> against <paramref name="labels"/> (per image,
    /// same order). Each image's predictions are matched best-confidence first to the unmatched label of the same
    /// class with the highest IoU ≥ 0.5. Precision is TP / predictions and recall TP / labels; with nothing predicted
    /// precision is 1 when nothing was labelled, else 0; with nothing labelled recall is 1. mAP50 is the mean over the
    /// labelled classes of the area under the precision envelope, sampled at 101 recall points (ultralytics'
    /// <c>compute_ap</c>).
    /// </summary>
    public static DetectionMetrics Metrics(IReadOnlyList<IReadOnlyList<ScoredBox>> labels, IReadOnlyList<IReadOnlyList<ScoredBox>> predictions)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        if (labels.Count != predictions.Count)
        {
            throw new ArgumentException($"{labels.Count} images of labels, {predictions.Count} of predictions.", nameof(predictions));
        }

        // (class, confidence, true positive) of every prediction, and labels per class.
        var outcomes = new List<(int ClassId, float Confidence, bool Hit)>();
        var labelsPerClass = new Dictionary<int, int>();
        for (var i = 0; i < labels.Count; i++)
        {
            foreach (var label in labels[i])
            {
                labelsPerClass[label.ClassId] = labelsPerClass.GetValueOrDefault(label.ClassId) + 1;
            }

            var taken = new bool[labels[i].Count];
            foreach (var prediction in predictions[i].OrderByDescending(p => p.Confidence))
            {
                var best = -1;
                var bestIou = MetricIou;
                for (var l = 0; l < labels[i].Count; l++)
                {
                    var iou = labels[i][l].ClassId == prediction.ClassId && !taken[l] ? labels[i][l].Box.IntersectionOverUnion(prediction.Box) : -1;
                    if (iou >= bestIou)
                    {
                        (best, bestIou) = (l, iou);
                    }
                }

                if (best >= 0)
                {
                    taken[best] = true;
                }

                outcomes.Add((prediction.ClassId, prediction.Confidence, best >= 0));
            }
        }

        var truePositives = outcomes.Count(o => o.Hit);
        var labelCount = labelsPerClass.Values.Sum();
        var precision = outcomes.Count > 0 ? (double)truePositives / outcomes.Count : labelCount == 0 ? 1 : 0;
        var recall = labelCount > 0 ? (double)truePositives / labelCount : 1;
        var map50 = labelsPerClass.Count == 0
            ? (outcomes.Count == 0 ? 1 : 0)
            : labelsPerClass.Average(c => AveragePrecision(outcomes.Where(o => o.ClassId == c.Key).OrderByDescending(o => o.Confidence).Select(o => o.Hit).ToList(), c.Value));
        return new DetectionMetrics(precision, recall, map50, truePositives, outcomes.Count, labelCount);
    }

    /// <summary>
    /// Matches device boxes one-to-one with expected boxes of the same image and class at IoU ≥ <paramref name="iou"/>
    /// (closest pairs first). Parity = matched / (expected + device − matched): a missing and an extra box both
    /// lower it; 1 when neither side has a box.
    /// </summary>
    public static ParityResult Parity(IReadOnlyList<IReadOnlyList<ScoredBox>> expected, IReadOnlyList<IReadOnlyList<ScoredBox>> device, double iou)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(device);
        if (expected.Count != device.Count)
        {
            throw new ArgumentException($"{expected.Count} images expected, {device.Count} run.", nameof(device));
        }

        var (expectedBoxes, deviceBoxes, matched, maxDifference) = (0, 0, 0, 0.0);
        for (var i = 0; i < expected.Count; i++)
        {
            expectedBoxes += expected[i].Count;
            deviceBoxes += device[i].Count;
            var pairs = new List<(double Iou, int E, int D)>();
            for (var e = 0; e < expected[i].Count; e++)
            {
                for (var d = 0; d < device[i].Count; d++)
                {
                    if (expected[i][e].ClassId == device[i][d].ClassId)
                    {
                        var overlap = expected[i][e].Box.IntersectionOverUnion(device[i][d].Box);
                        if (overlap >= iou)
                        {
                            pairs.Add((overlap, e, d));
                        }
                    }
                }
            }

            var usedExpected = new bool[expected[i].Count];
            var usedDevice = new bool[device[i].Count];
            foreach (var (_, e, d) in pairs.OrderByDescending(p => p.Iou))
            {
                if (usedExpected[e] || usedDevice[d])
                {
                    continue;
                }

                (usedExpected[e], usedDevice[d]) = (true, true);
                matched++;
                maxDifference = Math.Max(maxDifference, Math.Abs(expected[i][e].Confidence - device[i][d].Confidence));
            }
        }

        var union = expectedBoxes + deviceBoxes - matched;
        return new ParityResult(union == 0 ? 1 : (double)matched / union, expectedBoxes, deviceBoxes, matched, maxDifference);
    }

    /// <summary>ultralytics' compute_ap: precision envelope, 101-point interpolation, trapezoidal area.</summary>
    private static double AveragePrecision(IReadOnlyList<bool> hitsByConfidence, int labelCount)
    {
        var n = hitsByConfidence.Count;
        if (n == 0)
        {
            return 0; // ultralytics skips a class without predictions: its AP stays 0
        }

        var recall = new double[n + 2];
        var precision = new double[n + 2];
        precision[0] = 1;
        var tp = 0;
        for (var k = 0; k < n; k++)
        {
            tp += hitsByConfidence[k] ? 1 : 0;
            recall[k + 1] = (double)tp / labelCount;
            precision[k + 1] = (double)tp / (k + 1);
        }

        recall[n + 1] = 1;
        precision[n + 1] = 0;
        for (var k = n; k >= 0; k--)
        {
            precision[k] = Math.Max(precision[k], precision[k + 1]);
        }

        var area = 0.0;
        var previous = Interpolate(0, recall, precision);
        for (var s = 1; s <= 100; s++)
        {
            var current = Interpolate(s / 100.0, recall, precision);
            area += (previous + current) / 2 * 0.01;
            previous = current;
        }

        return area;
    }

    /// <summary>numpy.interp over a non-decreasing <paramref name="xs"/>: the last point at or below <paramref name="x"/>, linear to the next.</summary>
    private static double Interpolate(double x, double[] xs, double[] ys)
    {
        var j = 0;
        while (j + 1 < xs.Length && xs[j + 1] <= x)
        {
            j++;
        }

        if (j + 1 >= xs.Length || xs[j + 1] == xs[j])
        {
            return ys[j];
        }

        return ys[j] + ((ys[j + 1] - ys[j]) * (x - xs[j]) / (xs[j + 1] - xs[j]));
    }
}
