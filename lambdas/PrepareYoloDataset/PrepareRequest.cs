using EdgeMlOps.Contracts;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>The event the pipeline's PrepareDataset step sends (its Arguments).</summary>
public sealed record PrepareRequest
{
    /// <summary>s3:// URI of the CSV with the latest approved labels (the workflow's Athena result).</summary>
    public required string LabelsCsvUri { get; init; }

    /// <summary>s3:// prefix the dataset is written below, one per pipeline execution.</summary>
    public required string OutputUri { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }

    public int SplitSeed { get; init; } = 42;

    public int ValidationPercent { get; init; } = 15;

    public int TestPercent { get; init; } = 15;
}

/// <summary>What the step returns; each member is one of the step's OutputParameters.</summary>
public sealed record PrepareResponse
{
    public required string DatasetUri { get; init; }

    public required int ImageCount { get; init; }

    public required int LabelCount { get; init; }

    public required int TrainImages { get; init; }

    public required int ValidationImages { get; init; }

    public required int TestImages { get; init; }

    public required int SkippedLabels { get; init; }

    public required string SnapshotId { get; init; }

    /// <summary>The labeling jobs behind the labels, newest first, joined with a space (model package metadata <c>labelingJobs</c>); <c>none</c> when no label names its job.</summary>
    public required string LabelingJobs { get; init; }

    public static PrepareResponse From(DatasetPlan plan, string datasetUri) => new()
    {
        DatasetUri = datasetUri,
        ImageCount = plan.ImageCount,
        LabelCount = plan.LabelCount,
        TrainImages = plan.CountIn(DatasetSplit.Train),
        ValidationImages = plan.CountIn(DatasetSplit.Validation),
        TestImages = plan.CountIn(DatasetSplit.Test),
        SkippedLabels = plan.SkippedLabels,
        SnapshotId = plan.SnapshotId,
        LabelingJobs = plan.LabelingJobs.Count == 0 ? ModelPackageMetadata.NoLabelingJobs : string.Join(ModelPackageMetadata.LabelingJobSeparator, plan.LabelingJobs),
    };
}
