using EdgeMlOps.ScaleBenchmark.Edge;
using EdgeMlOps.ScaleBenchmark.Labeling;

namespace EdgeMlOps.ScaleBenchmark;

/// <summary>
/// Every scenario scripts/scale.sh runs, in order: the edge releases (1–4: healthy release, ERRORED canary, failing
/// fleet, two approvals) against the dev edge stage synthesized once, then labeling (5).
/// </summary>
public static class ScaleScenarios
{
    /// <summary>The scenarios at production size.</summary>
    public static IReadOnlyList<IScaleScenario> All { get; } =
    [
        new EdgeReleaseAtScale(EdgeReleaseCase.Healthy, EdgeScaleOptions.Production, () => EdgeWorkflowUnderTest.Dev),
        new EdgeReleaseAtScale(EdgeReleaseCase.ErroredCanary, EdgeScaleOptions.Production, () => EdgeWorkflowUnderTest.Dev),
        new EdgeReleaseAtScale(EdgeReleaseCase.FailingFleet, EdgeScaleOptions.Production, () => EdgeWorkflowUnderTest.Dev),
        new EdgeReleaseAtScale(EdgeReleaseCase.TwoApprovals, EdgeScaleOptions.Production, () => EdgeWorkflowUnderTest.Dev),
        new LabelingAtScale(LabelingScaleOptions.Production),
    ];
}
