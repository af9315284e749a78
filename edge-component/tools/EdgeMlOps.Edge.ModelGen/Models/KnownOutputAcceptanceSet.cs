using System.Security.Cryptography;
using System.Text.Json;
using EdgeMlOps.Contracts.Training;

namespace EdgeMlOps.Edge.ModelGen.Models;

/// <summary>
/// Writes an acceptance set (<see cref="AcceptanceSet"/>, the training side's format) for a known-output model, as
/// evaluate.py would for a model whose predictions are known: every image gets the boxes of
/// <see cref="SurvivingAnchors"/> (the anchors left after the threshold and NMS, worked out by hand) mapped from
/// model-input pixels to the image with ultralytics' letterbox arithmetic. Labels: the predictions on most images,
/// none on every fourth (a defect-free image), and only the first box on every third — so metrics are not all 1.
/// </summary>
public sealed record KnownOutputAcceptanceSet(KnownOutputModel Model, IReadOnlyList<int> SurvivingAnchors)
{
    /// <summary>Images in the set. Default: 16 (the training side's default K).</summary>
    public int ImageCount { get; init; } = 16;

    public int ImageWidth { get; init; } = 128;

    public int ImageHeight { get; init; } = 128;

    public double Confidence { get; init; } = 0.25;

    public double Iou { get; init; } = 0.45;

    /// <summary>The survivors of <see cref="KnownOutputModel.Reference"/> at 0.25/0.45: anchors 0, 2 and 3 (its summary explains why).</summary>
    public static KnownOutputAcceptanceSet ForReference() => new(KnownOutputModel.Reference(), [0, 2, 3]);

    /// <summary>
    /// Writes <c>acceptance/acceptance.json</c> and <c>acceptance/images/</c> under <paramref name="folder"/>; the
    /// document names <paramref name="modelPath"/>'s SHA-256 (the model the set claims to be evaluated with).
    /// <paramref name="jpeg"/> encodes image i (<see cref="ImageWidth"/>×<see cref="ImageHeight"/>). Returns the document's path.
    /// </summary>
    public string Write(string folder, string modelPath, Func<int, byte[]> jpeg)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        var root = Path.Combine(folder, AcceptanceSet.FolderName);
        Directory.CreateDirectory(Path.Combine(root, "images"));
        var predictions = Predictions();
        var images = new List<AcceptanceImage>();
        for (var i = 0; i < ImageCount; i++)
        {
            var file = $"images/frame-{i:00}.jpg";
            var bytes = jpeg(i);
            File.WriteAllBytes(Path.Combine(root, file), bytes);
            var labels = i % 4 == 3 ? [] : predictions.Take(i % 3 == 2 ? 1 : predictions.Count).Select(p => new AcceptanceLabel { ClassId = p.ClassId, Box = p.Box }).ToList();
            images.Add(new AcceptanceImage
            {
                File = file,
                Sha256 = Sha256(bytes),
                Width = ImageWidth,
                Height = ImageHeight,
                Labels = labels,
                Predictions = predictions,
            });
        }

        var set = new AcceptanceSet
        {
            Format = AcceptanceSet.CurrentFormat,
            Model = new AcceptanceModel { File = Path.GetFileName(modelPath), Sha256 = Sha256(File.ReadAllBytes(modelPath)), ImageSize = Model.InputSize, ClassNames = [.. Model.ClassNames] },
            Thresholds = new AcceptanceThresholds { Confidence = Confidence, Iou = Iou },
            Metrics = new AcceptanceMetrics { Map50 = 0.9, Map50To95 = 0.6, Precision = 0.9, Recall = 0.9 },
            Images = images,
        };
        var path = Path.Combine(root, AcceptanceSet.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(set, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The surviving anchors as boxes in image pixels, best first: r = min(S/h, S/w), pad = round((S - round(size·r))/2 - 0.1).</summary>
    public IReadOnlyList<AcceptancePrediction> Predictions()
    {
        var size = Model.InputSize;
        var r = Math.Min((double)size / ImageHeight, (double)size / ImageWidth);
        var padX = Math.Round(((size - Math.Round(ImageWidth * r)) / 2) - 0.1);
        var padY = Math.Round(((size - Math.Round(ImageHeight * r)) / 2) - 0.1);
        return SurvivingAnchors
            .Select(i => Model.Anchors[i])
            .Select(a =>
            {
                var classId = Array.IndexOf(a.Scores, a.Scores.Max());
                double[] box =
                [
                    Math.Clamp((a.CenterX - (a.Width / 2) - padX) / r, 0, ImageWidth),
                    Math.Clamp((a.CenterY - (a.Height / 2) - padY) / r, 0, ImageHeight),
                    Math.Clamp((a.CenterX + (a.Width / 2) - padX) / r, 0, ImageWidth),
                    Math.Clamp((a.CenterY + (a.Height / 2) - padY) / r, 0, ImageHeight),
                ];
                return new AcceptancePrediction { ClassId = classId, Confidence = Math.Round(a.Scores[classId], 4), Box = box };
            })
            .OrderByDescending(p => p.Confidence)
            .ToList();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
