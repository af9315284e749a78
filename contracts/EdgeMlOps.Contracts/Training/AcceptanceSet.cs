using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Contracts.Training;

/// <summary>
/// The acceptance set the training pipeline's Evaluate step writes beside <c>model.onnx</c>
/// (<c>acceptance/acceptance.json</c>, images in <c>acceptance/images/</c>; writer: evaluate.py and
/// yolo_helpers.acceptance_set): test images with their labels, the model's own predictions on each at the device
/// thresholds, and the model's test-split metrics. A device checks a model against it before serving.
/// Boxes are <c>[x1, y1, x2, y2]</c> in pixels of the original image.
/// </summary>
public sealed record AcceptanceSet
{
    /// <summary>The only format version this type reads.</summary>
    public const string CurrentFormat = "edgemlops.acceptance-set/1";

    /// <summary>Folder of the set beside model.onnx.</summary>
    public const string FolderName = "acceptance";

    /// <summary>The document inside <see cref="FolderName"/>.</summary>
    public const string FileName = "acceptance.json";

    /// <summary>
    /// The set as one ZIP beside <see cref="FolderName"/> (the document and <c>images/</c> at its root; writer:
    /// yolo_helpers.write_acceptance_archive): the artifact the edge model component ships. Greengrass unpacks a ZIP
    /// artifact into a folder named after it, so on a device the document is <see cref="DevicePath"/> below the
    /// model component's <c>artifacts:decompressedPath</c>.
    /// </summary>
    public const string ArchiveFileName = "acceptance.zip";

    /// <summary>The document's path below the model component's unpacked artifacts on a device.</summary>
    public const string DevicePath = FolderName + "/" + FileName;

    /// <summary>
    /// The archive's URI from the document's (<c>…/acceptance/acceptance.json</c> → <c>…/acceptance.zip</c>); null
    /// when <paramref name="setUri"/> does not end in the set's folder and file.
    /// </summary>
    public static string? ArchiveUri(string? setUri)
    {
        const string Suffix = "/" + DevicePath;
        return setUri is not null && setUri.EndsWith(Suffix, StringComparison.Ordinal)
            ? setUri[..^Suffix.Length] + "/" + ArchiveFileName
            : null;
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    [JsonPropertyName("format")]
    public required string Format { get; init; }

    [JsonPropertyName("model")]
    public required AcceptanceModel Model { get; init; }

    [JsonPropertyName("thresholds")]
    public required AcceptanceThresholds Thresholds { get; init; }

    [JsonPropertyName("metrics")]
    public required AcceptanceMetrics Metrics { get; init; }

    [JsonPropertyName("images")]
    public required IReadOnlyList<AcceptanceImage> Images { get; init; }

    /// <summary>Reads and checks a document; throws <see cref="AcceptanceSetException"/> listing every problem.</summary>
    public static AcceptanceSet Parse(string json, string source = FileName)
    {
        AcceptanceSet? set;
        try
        {
            set = JsonSerializer.Deserialize<AcceptanceSet>(json, Options);
        }
        catch (JsonException e)
        {
            throw new AcceptanceSetException(source, [$"not an acceptance set: {e.Message}"]);
        }

        if (set is null)
        {
            throw new AcceptanceSetException(source, ["the document is null"]);
        }

        var problems = set.Validate();
        return problems.Count == 0 ? set : throw new AcceptanceSetException(source, problems);
    }

    /// <summary>Every problem, each naming its place in the document; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Format != CurrentFormat)
        {
            problems.Add($"format is '{Format}', expected '{CurrentFormat}'");
        }

        var classes = Model?.ClassNames ?? [];
        if (Model is null || classes.Count == 0 || !IsSha256(Model.Sha256) || Model.ImageSize < 32)
        {
            problems.Add("model needs file, a hex sha256, imageSize (at least 32) and at least one class name");
        }

        if (Thresholds is null || !InUnit(Thresholds.Confidence) || !InUnit(Thresholds.Iou))
        {
            problems.Add("thresholds.confidence and thresholds.iou must be within 0-1");
        }

        if (Metrics is null || !InUnit(Metrics.Map50) || !InUnit(Metrics.Map50To95) || !InUnit(Metrics.Precision) || !InUnit(Metrics.Recall))
        {
            problems.Add("metrics map50, map50_95, precision and recall must be within 0-1");
        }

        if (Images is null || Images.Count == 0)
        {
            problems.Add("images must hold at least one image");
            return problems;
        }

        for (var i = 0; i < Images.Count; i++)
        {
            var image = Images[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"images[{i}]");
            if (string.IsNullOrEmpty(image.File) || image.File.StartsWith('/') || image.File.Split('/').Contains(".."))
            {
                problems.Add($"{at}.file must be a path inside the set, got '{image.File}'");
            }

            if (!IsSha256(image.Sha256) || image.Width < 1 || image.Height < 1)
            {
                problems.Add($"{at} needs a hex sha256 and a positive width and height");
            }

            foreach (var (box, j) in (image.Labels ?? []).Select((b, j) => (b, j)))
            {
                CheckBox($"{at}.labels[{j}]", box.ClassId, box.Box, image, classes.Count, problems);
            }

            foreach (var (prediction, j) in (image.Predictions ?? []).Select((p, j) => (p, j)))
            {
                CheckBox($"{at}.predictions[{j}]", prediction.ClassId, prediction.Box, image, classes.Count, problems);
                if (Thresholds is not null && !(prediction.Confidence >= Thresholds.Confidence && prediction.Confidence <= 1))
                {
                    problems.Add($"{at}.predictions[{j}].confidence {prediction.Confidence} is outside {Thresholds.Confidence}-1");
                }
            }
        }

        return problems;
    }

    private static void CheckBox(string at, int classId, IReadOnlyList<double>? box, AcceptanceImage image, int classCount, List<string> problems)
    {
        if (classId < 0 || classId >= classCount)
        {
            problems.Add($"{at}.classId {classId} is not a class of the model (0-{classCount - 1})");
        }

        // Labels come from rounded YOLO coordinates: a box may reach a little past the edge.
        const double Slack = 1.0;
        if (box is not { Count: 4 } || !(box[0] < box[2] && box[1] < box[3]) ||
            box[0] < -Slack || box[1] < -Slack || box[2] > image.Width + Slack || box[3] > image.Height + Slack)
        {
            problems.Add($"{at}.box must be [x1, y1, x2, y2] with x1 < x2, y1 < y2 inside the {image.Width}x{image.Height} image");
        }
    }

    private static bool InUnit(double value) => value is >= 0 and <= 1;

    private static bool IsSha256(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);
}

/// <summary>The model the set was computed with.</summary>
public sealed record AcceptanceModel
{
    [JsonPropertyName("file")]
    public required string File { get; init; }

    /// <summary>SHA-256 of the model file (lower-case hex): a set shipped with another model does not match.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("imageSize")]
    public required int ImageSize { get; init; }

    [JsonPropertyName("classNames")]
    public required IReadOnlyList<string> ClassNames { get; init; }
}

/// <summary>The device thresholds the predictions and metrics were computed at.</summary>
public sealed record AcceptanceThresholds
{
    [JsonPropertyName("confidence")]
    public required double Confidence { get; init; }

    [JsonPropertyName("iou")]
    public required double Iou { get; init; }
}

/// <summary>The model's metrics on the whole test split (those of the registration gate).</summary>
public sealed record AcceptanceMetrics
{
    [JsonPropertyName("map50")]
    public required double Map50 { get; init; }

    [JsonPropertyName("map50_95")]
    public required double Map50To95 { get; init; }

    [JsonPropertyName("precision")]
    public required double Precision { get; init; }

    [JsonPropertyName("recall")]
    public required double Recall { get; init; }
}

/// <summary>One image of the set with its labels and the model's predictions on it.</summary>
public sealed record AcceptanceImage
{
    /// <summary>Path relative to the document, e.g. <c>images/x.jpg</c>.</summary>
    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("width")]
    public required int Width { get; init; }

    [JsonPropertyName("height")]
    public required int Height { get; init; }

    /// <summary>Labelled boxes; empty for a defect-free image.</summary>
    [JsonPropertyName("labels")]
    public required IReadOnlyList<AcceptanceLabel> Labels { get; init; }

    /// <summary>The model's boxes after NMS at the set's thresholds, best first.</summary>
    [JsonPropertyName("predictions")]
    public required IReadOnlyList<AcceptancePrediction> Predictions { get; init; }
}

public sealed record AcceptanceLabel
{
    [JsonPropertyName("classId")]
    public required int ClassId { get; init; }

    [JsonPropertyName("box")]
    public required IReadOnlyList<double> Box { get; init; }
}

public sealed record AcceptancePrediction
{
    [JsonPropertyName("classId")]
    public required int ClassId { get; init; }

    [JsonPropertyName("confidence")]
    public required double Confidence { get; init; }

    [JsonPropertyName("box")]
    public required IReadOnlyList<double> Box { get; init; }
}

/// <summary>An acceptance set that cannot be used, with every problem found.</summary>
public sealed class AcceptanceSetException(string source, IReadOnlyList<string> problems)
    : Exception($"{source}: {string.Join("; ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
