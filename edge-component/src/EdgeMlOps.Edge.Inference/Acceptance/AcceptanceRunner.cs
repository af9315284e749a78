using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using EdgeMlOps.Contracts;
using EdgeMlOps.Contracts.Training;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Inference.Acceptance;

/// <summary>How the acceptance check runs: the serving decoder settings and the parity threshold.</summary>
public sealed record AcceptanceRunOptions
{
    /// <summary>The decoder settings frames are served with, so the check measures what serving does. Default: the parity path.</summary>
    public JpegDecoderOptions Decoder { get; init; } = new();

    /// <summary>Parity below which the model fails on this device. Default: 0.9 (<see cref="InferenceConfiguration.Defaults.AcceptanceParityThreshold"/>).</summary>
    public double ParityThreshold { get; init; } = InferenceConfiguration.Defaults.AcceptanceParityThreshold;
}

/// <summary>
/// Runs a model's acceptance set (<see cref="AcceptanceSet"/>) through the loaded model exactly as frames are served
/// — same decoder settings, letterbox and post-processing, at the set's thresholds with ultralytics' predict limit of
/// <see cref="MaxDetections"/> boxes — and reports it as the health message's <see cref="HealthAcceptance"/>: metrics
/// against the labels, the same metrics of the training-side predictions, and parity with those predictions.
/// Never throws for a bad set: a missing, unreadable or altered set is status <c>invalid</c> with the reason.
/// </summary>
public static class AcceptanceRunner
{
    /// <summary>ultralytics' predict default <c>max_det</c>, the limit the training-side predictions were made with.</summary>
    public const int MaxDetections = 300;

    public static HealthAcceptance Run(DetectionModel model, string setPath, AcceptanceRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(setPath);
        options ??= new AcceptanceRunOptions();
        var started = Stopwatch.GetTimestamp();
        var result = RunChecked(model, setPath, options);
        return result with
        {
            ParityThreshold = options.ParityThreshold,
            Preprocessing = options.Decoder.PreprocessingName,
            DurationMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
        };
    }

    private static HealthAcceptance RunChecked(DetectionModel model, string setPath, AcceptanceRunOptions options)
    {
        AcceptanceSet set;
        try
        {
            set = AcceptanceSet.Parse(File.ReadAllText(setPath), setPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Invalid($"acceptance set '{setPath}' cannot be read: {ex.Message}");
        }
        catch (AcceptanceSetException ex)
        {
            return Invalid($"acceptance set is not usable: {ex.Message}");
        }

        var modelMatches = string.Equals(Sha256(model.Path), set.Model.Sha256, StringComparison.Ordinal);
        if (set.Model.ClassNames.Count != model.ClassCount)
        {
            return new HealthAcceptance
            {
                Status = AcceptanceStatuses.Failed,
                ModelMatches = modelMatches,
                Message = $"the model has {model.ClassCount} classes ({string.Join(", ", model.ClassNames)}) but was evaluated with " +
                    $"{set.Model.ClassNames.Count} ({string.Join(", ", set.Model.ClassNames)})",
            };
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(setPath)) ?? ".";
        var labels = new List<IReadOnlyList<ScoredBox>>();
        var expected = new List<IReadOnlyList<ScoredBox>>();
        var device = new List<IReadOnlyList<ScoredBox>>();
        using (var jpeg = new JpegDecoder(options.Decoder))
        using (var input = model.CreateInputTensor())
        {
            var image = new DecodedImage();
            var letterbox = new LetterboxPreprocessor(model.InputWidth, model.InputHeight);
            var decoder = new YoloV8Decoder(model.ClassCount, model.AnchorCount);
            var postprocess = new PostprocessOptions
            {
                ConfidenceThreshold = (float)set.Thresholds.Confidence,
                IouThreshold = (float)set.Thresholds.Iou,
                MaxDetections = MaxDetections,
            };
            var detections = new List<Detection>();
            foreach (var entry in set.Images)
            {
                var path = Path.Combine(folder, entry.File);
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return Invalid($"acceptance image '{entry.File}' cannot be read: {ex.Message}", modelMatches);
                }

                if (!string.Equals(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), entry.Sha256, StringComparison.Ordinal))
                {
                    return Invalid($"acceptance image '{entry.File}' is not the one the set was computed on (SHA-256 differs)", modelMatches);
                }

                var decoded = jpeg.Decode(bytes, image, letterbox.InputWidth, letterbox.InputHeight);
                if (decoded != ImageFailureReason.None)
                {
                    return Invalid($"acceptance image '{entry.File}' cannot be decoded ({decoded.ToWireName()}: {jpeg.LastError})", modelMatches);
                }

                if (image.OriginalWidth != entry.Width || image.OriginalHeight != entry.Height)
                {
                    return Invalid($"acceptance image '{entry.File}' is {image.OriginalWidth}x{image.OriginalHeight}, the set says {entry.Width}x{entry.Height}", modelMatches);
                }

                var geometry = letterbox.Process(image, input.Data);
                model.Run(input);
                decoder.Decode(model.Output, geometry, postprocess, detections);
                device.Add(detections.Select(d => new ScoredBox(d.ClassId, d.Confidence, d.Box)).ToList());
                labels.Add(entry.Labels.Select(l => new ScoredBox(l.ClassId, 1, Box(l.Box))).ToList());
                expected.Add(entry.Predictions.Select(p => new ScoredBox(p.ClassId, (float)p.Confidence, Box(p.Box))).ToList());
            }
        }

        var deviceMetrics = AcceptanceScoring.Metrics(labels, device);
        var expectedMetrics = AcceptanceScoring.Metrics(labels, expected);
        var parity = AcceptanceScoring.Parity(expected, device, HealthAcceptance.ParityIou);
        var namesDiffer = !set.Model.ClassNames.SequenceEqual(model.ClassNames, StringComparer.Ordinal);
        var passed = parity.Parity >= options.ParityThreshold && !namesDiffer;
        return new HealthAcceptance
        {
            Status = passed ? AcceptanceStatuses.Passed : AcceptanceStatuses.Failed,
            Message = Describe(parity, options.ParityThreshold, namesDiffer ? (set.Model.ClassNames, model.ClassNames) : null, modelMatches, set.Model.ImageSize, model),
            Images = set.Images.Count,
            Precision = Round(deviceMetrics.Precision),
            Recall = Round(deviceMetrics.Recall),
            Map50 = Round(deviceMetrics.Map50),
            ExpectedPrecision = Round(expectedMetrics.Precision),
            ExpectedRecall = Round(expectedMetrics.Recall),
            ExpectedMap50 = Round(expectedMetrics.Map50),
            Parity = Round(parity.Parity),
            ExpectedBoxes = parity.ExpectedBoxes,
            DeviceBoxes = parity.DeviceBoxes,
            MatchedBoxes = parity.MatchedBoxes,
            MaxConfidenceDifference = Round(parity.MaxConfidenceDifference),
            ModelMatches = modelMatches,
        };
    }

    /// <summary>What differed, in one sentence a person approving the release can read; null when nothing did.</summary>
    private static string? Describe(ParityResult parity, double threshold, (IReadOnlyList<string> Set, IReadOnlyList<string> Model)? names,
        bool modelMatches, int setImageSize, DetectionModel model)
    {
        var parts = new List<string>();
        var missing = parity.ExpectedBoxes - parity.MatchedBoxes;
        var extra = parity.DeviceBoxes - parity.MatchedBoxes;
        if (missing > 0 || extra > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"parity {parity.Parity:0.000} {(parity.Parity >= threshold ? ">=" : "<")} {threshold}: {missing} of {parity.ExpectedBoxes} training-side boxes not reproduced, {extra} of {parity.DeviceBoxes} device boxes extra (same class, IoU >= {HealthAcceptance.ParityIou})"));
        }

        if (parity.MatchedBoxes > 0 && parity.MaxConfidenceDifference > 0.01)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"confidence differs by up to {parity.MaxConfidenceDifference:0.000}"));
        }

        if (names is { } n)
        {
            parts.Add($"class names differ: evaluated as [{string.Join(", ", n.Set)}], the model says [{string.Join(", ", n.Model)}]");
        }

        if (!modelMatches)
        {
            parts.Add("the set was computed for another model file (SHA-256 differs)");
        }

        if (setImageSize != model.InputWidth || setImageSize != model.InputHeight)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"evaluated at {setImageSize}, the model's input is {model.InputWidth}x{model.InputHeight}"));
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static HealthAcceptance Invalid(string message, bool modelMatches = false) =>
        new() { Status = AcceptanceStatuses.Invalid, Message = message, ModelMatches = modelMatches };

    private static BoundingBox Box(IReadOnlyList<double> box) => new((float)box[0], (float)box[1], (float)box[2], (float)box[3]);

    private static double Round(double value) => Math.Round(value, 4);

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
