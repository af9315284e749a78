namespace EdgeMlOps.ScaleBenchmark;

/// <summary>
/// One scenario of scripts/scale.sh: runs a synthesized workflow at production size under the strict harness and
/// says whether it ended as expected. Register it in <see cref="ScaleScenarios"/>.
/// </summary>
public interface IScaleScenario
{
    /// <summary>Number and short name, e.g. "5 labeling 1,000,000 objects".</summary>
    string Name { get; }

    /// <summary>Runs the scenario once.</summary>
    Task<ScaleScenarioResult> RunAsync(CancellationToken cancellationToken);
}
