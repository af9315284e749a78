namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>The four edge release scenarios of scripts/scale.sh.</summary>
public enum EdgeReleaseCase
{
    /// <summary>1: every device healthy; expected: promoted to the fleet.</summary>
    Healthy,

    /// <summary>2: some canary devices report ERRORED with long error texts; expected: rolled back naming them.</summary>
    ErroredCanary,

    /// <summary>3: some fleet devices' job executions fail; expected: fleet and canary rolled back naming them.</summary>
    FailingFleet,

    /// <summary>4: a second approval arrives while the first release runs; expected: released one after the other.</summary>
    TwoApprovals,
}
