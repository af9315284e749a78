using EdgeMlOps.Testing.Storage;

namespace EdgeMlOps.ScaleBenchmark.Labeling;

/// <summary>Size of the labeling scenario: the capture bucket and the job.</summary>
public sealed record LabelingScaleOptions
{
    /// <summary>
    /// Scenario 5 of issue 13: 1,000,000 objects from 10,000 devices of which 100,000 new images and 200,000 sidecars,
    /// and one job of the largest <c>labeling.maxImagesPerJob</c> the configuration allows (100,000).
    /// </summary>
    public static LabelingScaleOptions Production { get; } = new();

    /// <summary>The capture bucket. Default: <see cref="SyntheticCaptures"/> defaults (1,000,000 objects).</summary>
    public SyntheticCaptures Captures { get; init; } = new();

    /// <summary>The job size (<c>labeling.maxImagesPerJob</c>). Default: 100,000, the configuration's maximum.</summary>
    public int MaxImagesPerJob { get; init; } = 100_000;
}
