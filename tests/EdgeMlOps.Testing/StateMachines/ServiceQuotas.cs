namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// The Step Functions quotas the local runner enforces (AWS Step Functions Developer Guide, "Step Functions service
/// quotas"). Every run uses <see cref="Aws"/> unless a test of the harness itself lowers one.
/// </summary>
public sealed record ServiceQuotas
{
    /// <summary>The service's values: 25,000 history events, 256 KiB of state data, 5 minutes per Express execution.</summary>
    public static ServiceQuotas Aws { get; } = new();

    /// <summary>Maximum events in a Standard execution's history; the execution fails above it. Default: 25,000.</summary>
    public int HistoryEvents { get; init; } = 25_000;

    /// <summary>
    /// Maximum UTF-8 bytes of a state's input or output, a Task's parameters or result, a Map item and the execution
    /// input or output; above it the execution fails with the uncatchable <c>States.DataLimitExceeded</c>. Default: 262,144.
    /// </summary>
    public int PayloadBytes { get; init; } = 262_144;

    /// <summary>Maximum duration of an Express execution in seconds (simulated time: real time plus skipped waits). Default: 300.</summary>
    public int ExpressSeconds { get; init; } = 300;

    /// <summary>Effective concurrency of an inline Map without MaxConcurrency (or 0): 40 iterations. Default: 40.</summary>
    public int InlineMapConcurrency { get; init; } = 40;

    internal System.Text.Json.Nodes.JsonObject ToRunnerLimits() => new()
    {
        ["historyEvents"] = HistoryEvents,
        ["payloadBytes"] = PayloadBytes,
        ["expressSeconds"] = ExpressSeconds,
    };
}
