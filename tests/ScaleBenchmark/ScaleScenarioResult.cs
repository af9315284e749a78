using System.Globalization;

namespace EdgeMlOps.ScaleBenchmark;

/// <summary>What one scenario printed: outcome, quota use, and the health gate's cost where it has one.</summary>
/// <param name="Name">The scenario.</param>
/// <param name="Outcome">What happened, e.g. "succeeded: 100000 labels written".</param>
/// <param name="AsExpected">True when the outcome is the one the scenario expects.</param>
/// <param name="HistoryEvents">Most history events of any Standard execution of the run (children included).</param>
/// <param name="PayloadBytes">Largest state payload of any execution of the run, in UTF-8 bytes.</param>
/// <param name="Devices">Fleet size the scenario models (0 if none).</param>
/// <param name="Objects">Objects in the simulated bucket (0 if none).</param>
/// <param name="GateMilliseconds">Peak time of one health-gate Lambda call (edge scenarios), else null.</param>
/// <param name="GateMegabytes">Peak managed memory one health-gate Lambda call allocated, in MiB (edge scenarios), else null.</param>
public sealed record ScaleScenarioResult(
    string Name,
    string Outcome,
    bool AsExpected,
    int HistoryEvents,
    int PayloadBytes,
    int Devices = 0,
    long Objects = 0,
    double? GateMilliseconds = null,
    double? GateMegabytes = null)
{
    /// <summary>Half the service quotas: what scale.sh accepts.</summary>
    public const int HistoryEventTarget = 12_500;

    /// <summary>Half of 256 KiB.</summary>
    public const int PayloadByteTarget = 131_072;

    /// <summary>Most milliseconds one health-gate call may take (issue 13's target).</summary>
    public const double GateMillisecondTarget = 2_000;

    /// <summary>Most MiB one health-gate call may allocate (the function's configured memory).</summary>
    public const double GateMegabyteTarget = 256;

    /// <summary>True when the outcome is as expected, both quotas are used at most by half and the gate (where measured) is within its targets.</summary>
    public bool WithinTargets => AsExpected && HistoryEvents <= HistoryEventTarget && PayloadBytes <= PayloadByteTarget
        && (GateMilliseconds ?? 0) <= GateMillisecondTarget && (GateMegabytes ?? 0) <= GateMegabyteTarget;

    public override string ToString()
    {
        var gate = GateMilliseconds is { } ms
            ? string.Create(CultureInfo.InvariantCulture, $" gate_ms={ms:F0} gate_mb={GateMegabytes:F2}")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {(WithinTargets ? "ok" : "NOT OK")} - {Outcome}; history_events={HistoryEvents} payload_bytes={PayloadBytes}{gate}");
    }
}
