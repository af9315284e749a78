using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The statistics drift is measured on, and how each is computed, identically by the training pipeline's
/// evaluate.py (the baseline over the training images and the test-split predictions) and by the inference
/// component (over its sliding window of frames). Image statistics are read on a
/// <see cref="GridSize"/> × <see cref="GridSize"/> grid of sample points spread evenly over the full image
/// (point (i, j) at x = ⌊(i + 0.5)·width / G⌋, y = ⌊(j + 0.5)·height / G⌋), so their cost does not grow with the
/// resolution; luma is 0.299 R + 0.587 G + 0.114 B.
/// </summary>
public static class DriftStatistics
{
    /// <summary>Mean luma of the sample points (0–255), one value per frame.</summary>
    public const string Brightness = "brightness";

    /// <summary>Standard deviation of the sample points' luma, one value per frame.</summary>
    public const string Contrast = "contrast";

    /// <summary>Mean absolute 4-neighbour Laplacian of luma at the sample points (neighbours one full-resolution pixel away, clamped at the border), one value per frame.</summary>
    public const string Sharpness = "sharpness";

    /// <summary>Histogram of R, G and B of every sample point, <see cref="ColourBinsPerChannel"/> equal bins per channel, pooled over frames.</summary>
    public const string Colour = "colour";

    /// <summary>Detections per frame, bins 0, 1, 2, 3, 4, 5 or more.</summary>
    public const string Detections = "detections";

    /// <summary>Whether a frame has at least one detection (the defect rate), bins 0 and 1.</summary>
    public const string DefectRate = "defectRate";

    /// <summary>Confidence of every detection, ten equal bins over 0–1, pooled over frames.</summary>
    public const string Confidence = "confidence";

    public const int GridSize = 48;

    public const int ColourBinsPerChannel = 8;

    /// <summary>Proportions below this are raised to it before the PSI (an empty bin would make it infinite).</summary>
    public const double ProportionFloor = 1e-4;

    public static IReadOnlyList<string> ImageStatistics { get; } = [Brightness, Contrast, Sharpness, Colour];

    public static IReadOnlyList<string> PredictionStatistics { get; } = [Detections, DefectRate, Confidence];

    public static IReadOnlyList<string> All { get; } = [.. ImageStatistics, .. PredictionStatistics];

    /// <summary>Fixed inner bin edges of the prediction statistics (the image statistics' come from the baseline's deciles).</summary>
    public static IReadOnlyList<double> DetectionEdges { get; } = [0.5, 1.5, 2.5, 3.5, 4.5];

    public static IReadOnlyList<double> DefectEdges { get; } = [0.5];

    public static IReadOnlyList<double> ConfidenceEdges { get; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>The bin of <paramref name="value"/>: the number of inner edges at or below it (0 … edges.Count).</summary>
    public static int Bin(IReadOnlyList<double> edges, double value)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var low = 0;
        var high = edges.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (value >= edges[mid])
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>
    /// Population stability index of <paramref name="actualCounts"/> against the baseline
    /// <paramref name="expected"/> proportions: Σ (a − e) · ln(a / e) over the bins, both floored at
    /// <see cref="ProportionFloor"/>. 0 for identical distributions; &lt; 0.1 is commonly read as no shift,
    /// 0.1–0.25 as moderate, &gt; 0.25 as significant. 0 when there are no actual counts.
    /// </summary>
    public static double Psi(IReadOnlyList<double> expected, ReadOnlySpan<long> actualCounts)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expected.Count != actualCounts.Length)
        {
            throw new ArgumentException($"{expected.Count} baseline bins but {actualCounts.Length} counted bins");
        }

        long total = 0;
        foreach (var c in actualCounts)
        {
            total += c;
        }

        if (total == 0)
        {
            return 0;
        }

        var psi = 0.0;
        for (var i = 0; i < actualCounts.Length; i++)
        {
            var a = Math.Max((double)actualCounts[i] / total, ProportionFloor);
            var e = Math.Max(expected[i], ProportionFloor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }
}

/// <summary>One statistic's baseline distribution: inner bin edges (ascending) and the proportion in each of the edges.Count + 1 bins.</summary>
public sealed record DriftHistogram
{
    public IReadOnlyList<double> Edges { get; init; } = [];

    public IReadOnlyList<double> Proportions { get; init; } = [];
}

/// <summary>
/// The drift baseline a model ships with: written by evaluate.py as JSON into the exported model.onnx's metadata
/// under <see cref="OnnxMetadataKeys.DriftBaseline"/> (so it travels with the model to every device, inside the
/// file the model component deploys), read by the inference component. Image statistics over the training split's
/// images, prediction statistics over the model's predictions on the test split at the device thresholds.
/// </summary>
public sealed record DriftBaseline
{
    public const int CurrentVersion = 1;

    public const string PsiMethod = "psi";

    public int Version { get; init; } = CurrentVersion;

    /// <summary>How scores are computed: <see cref="PsiMethod"/>.</summary>
    public string Method { get; init; } = PsiMethod;

    /// <summary>Sample grid of the image statistics (<see cref="DriftStatistics.GridSize"/>).</summary>
    public int GridSize { get; init; } = DriftStatistics.GridSize;

    /// <summary>Images the image statistics were computed over.</summary>
    public int Images { get; init; }

    /// <summary>Test images the prediction statistics were computed over.</summary>
    public int PredictedImages { get; init; }

    /// <summary>Histogram per statistic (names in <see cref="DriftStatistics"/>); a statistic missing here is not scored.</summary>
    public IReadOnlyDictionary<string, DriftHistogram> Statistics { get; init; } = new Dictionary<string, DriftHistogram>();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a baseline; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static DriftBaseline Parse(string json)
    {
        DriftBaseline? baseline;
        try
        {
            baseline = JsonSerializer.Deserialize<DriftBaseline>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the drift baseline is not valid JSON: {ex.Message}", ex);
        }

        if (baseline is null || baseline.Version != CurrentVersion || baseline.Method != PsiMethod || baseline.GridSize != DriftStatistics.GridSize)
        {
            throw new FormatException($"the drift baseline must be version {CurrentVersion}, method {PsiMethod}, grid {DriftStatistics.GridSize}");
        }

        foreach (var (name, histogram) in baseline.Statistics)
        {
            if (histogram.Proportions.Count != histogram.Edges.Count + 1 || histogram.Proportions.Any(p => p < 0 || double.IsNaN(p)))
            {
                throw new FormatException($"drift baseline statistic {name}: {histogram.Edges.Count} edges need {histogram.Edges.Count + 1} non-negative proportions, got {histogram.Proportions.Count}");
            }
        }

        return baseline;
    }
}
