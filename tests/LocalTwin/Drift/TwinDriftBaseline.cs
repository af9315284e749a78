using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Drift;
using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeMlOps.LocalTwin.Drift;

/// <summary>
/// The drift baseline evaluate.py would ship with the twin's candidate (<see cref="DriftBaseline"/>, ONNX metadata
/// <see cref="OnnxMetadataKeys.DriftBaseline"/>), built the way yolo_helpers.drift_baseline builds it: image statistics
/// of the training images on the contract's sample grid (the component's <see cref="FrameStatistics"/>, which the
/// contract defines identically to yolo_helpers.image_statistics), binned at their deciles (numpy's linear
/// quantiles, duplicates removed), the colour counts pooled, and the prediction statistics of the model's
/// detections on the test images. The twin has no Python with numpy, so this is the C# side of the same definition.
/// </summary>
public static class TwinDriftBaseline
{
    /// <param name="trainingImages">JPEG files the image statistics are computed over.</param>
    /// <param name="confidencesPerTestImage">The model's detection confidences on each test image (at the device thresholds).</param>
    public static DriftBaseline Build(IReadOnlyList<string> trainingImages, IReadOnlyList<IReadOnlyList<double>> confidencesPerTestImage)
    {
        ArgumentNullException.ThrowIfNull(trainingImages);
        ArgumentNullException.ThrowIfNull(confidencesPerTestImage);
        if (trainingImages.Count == 0 || confidencesPerTestImage.Count == 0)
        {
            throw new ArgumentException("the drift baseline needs at least one training image and the predictions on one test image");
        }

        var brightness = new List<double>();
        var contrast = new List<double>();
        var sharpness = new List<double>();
        var colour = new long[FrameStatistics.ColourBins];
        using var decoder = new JpegDecoder();
        var image = new DecodedImage();
        foreach (var file in trainingImages)
        {
            var result = decoder.Decode(File.ReadAllBytes(file), image);
            if (result != ImageFailureReason.None)
            {
                throw new InvalidDataException($"{file} does not decode: {result} {decoder.LastError}");
            }

            var statistics = FrameStatistics.Compute(image.Pixels, image.Width, image.Height, colour);
            brightness.Add(statistics.Brightness);
            contrast.Add(statistics.Contrast);
            sharpness.Add(statistics.Sharpness);
        }

        var confidences = confidencesPerTestImage.SelectMany(c => c).ToList();
        var histograms = new Dictionary<string, DriftHistogram>(StringComparer.Ordinal)
        {
            [DriftStatistics.Brightness] = Histogram(DecileEdges(brightness), brightness),
            [DriftStatistics.Contrast] = Histogram(DecileEdges(contrast), contrast),
            [DriftStatistics.Sharpness] = Histogram(DecileEdges(sharpness), sharpness),
            [DriftStatistics.Colour] = new DriftHistogram
            {
                Edges = [.. Enumerable.Range(0, FrameStatistics.ColourBins - 1).Select(i => i + 0.5)],
                Proportions = [.. colour.Select(c => (double)c / colour.Sum())],
            },
            [DriftStatistics.Detections] = Histogram(DriftStatistics.DetectionEdges, [.. confidencesPerTestImage.Select(c => (double)c.Count)]),
            [DriftStatistics.DefectRate] = Histogram(DriftStatistics.DefectEdges, [.. confidencesPerTestImage.Select(c => c.Count > 0 ? 1.0 : 0.0)]),
        };
        if (confidences.Count > 0)
        {
            histograms[DriftStatistics.Confidence] = Histogram(DriftStatistics.ConfidenceEdges, confidences);
        }

        return new DriftBaseline { Images = trainingImages.Count, PredictedImages = confidencesPerTestImage.Count, Statistics = histograms };
    }

    private static DriftHistogram Histogram(IReadOnlyList<double> edges, IReadOnlyList<double> values)
    {
        var counts = new long[edges.Count + 1];
        foreach (var value in values)
        {
            counts[DriftStatistics.Bin(edges, value)]++;
        }

        return new DriftHistogram { Edges = edges, Proportions = [.. counts.Select(c => (double)c / values.Count)] };
    }

    /// <summary>numpy.quantile (linear) at 0.1 … 0.9, sorted, duplicates removed.</summary>
    private static IReadOnlyList<double> DecileEdges(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var edges = new SortedSet<double>();
        for (var i = 1; i <= 9; i++)
        {
            var position = (sorted.Length - 1) * (i / 10.0);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Length - 1);
            edges.Add(sorted[low] + ((sorted[high] - sorted[low]) * (position - low)));
        }

        return [.. edges];
    }
}
