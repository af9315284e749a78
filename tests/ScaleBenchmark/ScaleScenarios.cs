using EdgeMlOps.ScaleBenchmark.Labeling;

namespace EdgeMlOps.ScaleBenchmark;

/// <summary>
/// Every scenario scripts/scale.sh runs, in order. The edge release scenarios (1–4: healthy release, ERRORED canary,
/// failing fleet, two approvals) are added here by the edge deployment app.
/// </summary>
public static class ScaleScenarios
{
    /// <summary>The scenarios at production size.</summary>
    public static IReadOnlyList<IScaleScenario> All { get; } =
    [
        new LabelingAtScale(LabelingScaleOptions.Production),
    ];
}
