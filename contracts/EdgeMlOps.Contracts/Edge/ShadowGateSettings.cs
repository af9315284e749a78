using System.Text.Json.Nodes;

namespace EdgeMlOps.Contracts;

/// <summary>
/// Bounds on the shadow evaluation of a candidate on the canary (issue 14, part 6): configuration section
/// <c>edge.healthGate.shadow</c>, passed by the edge workflow inside <c>healthGate</c> as <c>shadow</c>. A canary
/// device whose shadow block (<see cref="HealthShadow"/>) has compared at least <see cref="MinFramesCompared"/>
/// frames fails the gate when any bound is crossed; the reasons for each default are in docs/edge-deployment.md.
/// </summary>
/// <param name="MinFramesCompared">Frames both models must have run on before the bounds apply (and before a device counts as proven). Default: 20.</param>
/// <param name="MaxMissedDefectShare">Highest share of the frames on which the current model finds a defect and the candidate finds none (0-1). Default: 0.5.</param>
/// <param name="MaxDefectRateDifference">Largest |candidate defect rate − current defect rate| (frames with ≥ 1 detection / frames compared, 0-1). Default: 0.10.</param>
/// <param name="MinBoxF1">Lowest box-level F1 of the candidate against the current model (same class, IoU ≥ 0.5; 0 = not checked). Default: 0.5.</param>
/// <param name="MaxLatencyRatio">Highest candidate / current inference p95. Default: 1.5.</param>
public sealed record ShadowGateSettings(
    int MinFramesCompared = 20,
    double MaxMissedDefectShare = 0.5,
    double MaxDefectRateDifference = 0.10,
    double MinBoxF1 = 0.5,
    double MaxLatencyRatio = 1.5)
{
    public static ShadowGateSettings Default { get; } = new();

    /// <summary>The bounds a shadow block crosses, each as a sentence; empty when within them or before enough frames.</summary>
    public IReadOnlyList<string> Violations(HealthShadow shadow)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        var problems = new List<string>();
        if (shadow.FramesCompared == 0 && shadow.LastError is { } error)
        {
            problems.Add($"the candidate does not run in shadow: {error}");
            return problems;
        }

        if (shadow.FramesCompared < MinFramesCompared)
        {
            return problems;
        }

        var missedShare = shadow.CurrentDefectFrames == 0 ? 0 : (double)shadow.MissedDefectFrames / shadow.CurrentDefectFrames;
        if (missedShare > MaxMissedDefectShare)
        {
            problems.Add(FormattableString.Invariant(
                $"the candidate found nothing on {shadow.MissedDefectFrames} of the {shadow.CurrentDefectFrames} frames where the current model finds defects ({missedShare:0.###} > {MaxMissedDefectShare:0.###})"));
        }

        if (Math.Abs(shadow.DefectRateDifference) > MaxDefectRateDifference)
        {
            problems.Add(FormattableString.Invariant(
                $"defect rate differs by {shadow.DefectRateDifference:+0.###;-0.###} over {shadow.FramesCompared} frames (bound ±{MaxDefectRateDifference:0.###})"));
        }

        if (shadow.BoxF1 < MinBoxF1)
        {
            problems.Add(FormattableString.Invariant($"box F1 against the current model {shadow.BoxF1:0.###} < {MinBoxF1:0.###}"));
        }

        if (shadow.LatencyP95Ratio > MaxLatencyRatio)
        {
            problems.Add(FormattableString.Invariant(
                $"inference p95 {shadow.LatencyP95Ratio:0.##}x the current model's ({shadow.CandidateInferenceP95:0.#} vs {shadow.CurrentInferenceP95:0.#} ms; bound {MaxLatencyRatio:0.##}x)"));
        }

        return problems;
    }

    /// <summary>Reads the workflow's <c>healthGate.shadow</c> object; a missing member takes its default.</summary>
    public static ShadowGateSettings FromJson(JsonObject? json) => json is null
        ? Default
        : new ShadowGateSettings(
            Optional(json, "minFramesCompared", Default.MinFramesCompared),
            Optional(json, "maxMissedDefectShare", Default.MaxMissedDefectShare),
            Optional(json, "maxDefectRateDifference", Default.MaxDefectRateDifference),
            Optional(json, "minBoxF1", Default.MinBoxF1),
            Optional(json, "maxLatencyRatio", Default.MaxLatencyRatio));

    private static T Optional<T>(JsonObject json, string name, T fallback) =>
        json[name] is null ? fallback
        : json[name] is JsonValue value && value.TryGetValue<T>(out var result) ? result
        : throw new ArgumentException($"healthGate.shadow.{name} must be a number, got {json[name]!.ToJsonString()}");
}
