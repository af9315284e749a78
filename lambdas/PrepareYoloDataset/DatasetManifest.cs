using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// dataset.json at the root of the dataset: class names and counts for the training scripts and for people.
/// Written last, so its presence means the dataset is complete.
/// </summary>
public static class DatasetManifest
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string ToJson(DatasetPlan plan, PrepareRequest request) => JsonSerializer.Serialize(
        new
        {
            classNames = plan.ClassNames,
            snapshotId = plan.SnapshotId,
            labelsCsvUri = request.LabelsCsvUri,
            split = new { seed = request.SplitSeed, validationPercent = request.ValidationPercent, testPercent = request.TestPercent },
            counts = new
            {
                images = plan.ImageCount,
                boxes = plan.LabelCount,
                backgroundImages = plan.BackgroundImages,
                train = plan.CountIn(DatasetSplit.Train),
                val = plan.CountIn(DatasetSplit.Validation),
                test = plan.CountIn(DatasetSplit.Test),
                boxesPerClass = plan.BoxesPerClass,
            },
            skipped = plan.Skipped,
        },
        Options);
}
