using System.Globalization;
using System.Text;

namespace EdgeMlOps.LocalTwin.Report;

/// <summary>One step of the run: what it did, how long it took, and the facts it established.</summary>
public sealed record TwinStep(string Title, TimeSpan Duration, IReadOnlyList<string> Lines);

/// <summary>How one edge deployment workflow execution went, and what the devices ran afterwards.</summary>
public sealed record RolloutOutcome
{
    public required string Scenario { get; init; }

    public required string ModelPackageArn { get; init; }

    public required string ExecutionStatus { get; init; }

    public string? Error { get; init; }

    /// <summary>Each CreateDeployment of the execution: target group name and the model component version it set.</summary>
    public required IReadOnlyList<(string Target, string ModelComponentVersion)> Deployments { get; init; }

    /// <summary>Thing name → model component version running at the end.</summary>
    public required IReadOnlyDictionary<string, string> DeviceModelVersions { get; init; }

    /// <summary>The e-mails the execution sent (subject, message).</summary>
    public required IReadOnlyList<(string Subject, string Message)> Notifications { get; init; }

    public required int HealthPolls { get; init; }

    /// <summary>Thing name → the model component versions the device installed during the execution, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ModelVersionsInstalled { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The last acceptance result the canary reported during the execution (in shadow: the candidate's); null when none.</summary>
    public EdgeMlOps.Contracts.HealthAcceptance? CanaryAcceptance { get; init; }

    /// <summary>
    /// Thing name → what its published results showed during the execution, each change once in order:
    /// <c>&lt;model component version&gt;: &lt;class&gt; &lt;confidence&gt; [x1,y1,x2,y2]</c> (the first detection) or <c>…: none</c>.
    /// The twin's models find the same box on every frame, so this says which model served.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PublishedDetections { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The last shadow block the canary reported during the execution (the candidate beside the current model); null when none.</summary>
    public EdgeMlOps.Contracts.HealthShadow? CanaryShadow { get; init; }

    /// <summary>
    /// The outcome the scenario exists to show: <see cref="ScenarioOutcome.Promoted"/> (default) or
    /// <see cref="ScenarioOutcome.RolledBack"/> for a candidate that must not reach the fleet.
    /// </summary>
    public string Intended { get; init; } = ScenarioOutcome.Promoted;

    /// <summary>
    /// What the execution means for its scenario: a scenario that deploys a bad model on purpose intends the
    /// rollback, so its failed execution (error ReleaseRolledBack) is the intended result, not a failure of the twin.
    /// </summary>
    public string Verdict => (Intended, ExecutionStatus, Error) switch
    {
        (ScenarioOutcome.RolledBack, "Failed", "ReleaseRolledBack") => "rolled back as intended",
        (ScenarioOutcome.Promoted, "Succeeded", null) => "promoted as intended",
        _ => $"NOT as intended: execution {ExecutionStatus}{(Error is null ? "" : " with " + Error)}",
    };
}

/// <summary>
/// One named scenario's result as the report prints it: <c>scenario &lt;name&gt;: &lt;outcome&gt; (&lt;reason&gt;)</c>, e.g.
/// <c>scenario blind: rolled back (twin-canary-01 failed acceptance: ...)</c>. <see cref="AsIntended"/> says whether
/// the outcome is the one the scenario exists to show (a rollback can be the intended result).
/// </summary>
public sealed record ScenarioOutcome(string Name, string Outcome, string Reason, bool AsIntended)
{
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled back";

    public string Line => $"scenario {Name}: {Outcome} ({Reason})";
}

/// <summary>Everything the twin observed, for the printed report and for the tests' assertions.</summary>
public sealed class TwinReport
{
    public List<TwinStep> Steps { get; } = [];

    public List<RolloutOutcome> Rollouts { get; } = [];

    /// <summary>Every named scenario's one-line result, in the order they ran.</summary>
    public List<ScenarioOutcome> Scenarios { get; } = [];

    /// <summary>True when every scenario ended as it exists to show and the loop back to labeling closed.</summary>
    public bool AllAsIntended => Scenarios.Count > 0 && Scenarios.All(s => s.AsIntended) && LoopClosed;

    public string InferenceComponentVersion { get; set; } = string.Empty;

    /// <summary>The device prerequisites component version the edge stack registers (<c>name:version</c>).</summary>
    public string PrerequisitesComponentVersion { get; set; } = string.Empty;

    /// <summary>Every Greengrass component version that exists at the end (<c>name:version</c>): the stack's and the workflow's.</summary>
    public List<string> ComponentVersions { get; } = [];

    /// <summary>SHA-256 of the model the approval pointed at, and of the model file the canary's component ran.</summary>
    public (string Approved, string OnDevice) ModelHashes { get; set; }

    /// <summary>The capture prefix the labeling app scans (from its SSM contract) and the inference component was configured with.</summary>
    public (string LabelingScans, string DeviceConfigured) CapturePrefixes { get; set; }

    public int ResultsPublished { get; set; }

    public int DetectionsPublished { get; set; }

    public int HealthMessages { get; set; }

    public int ConfigurationUpdatesWithoutRestart { get; set; }

    public List<string> CapturedObjects { get; } = [];

    public string LabelingStatus { get; set; } = string.Empty;

    public string? LabelingManifest { get; set; }

    public List<string> ManifestSourceRefs { get; } = [];

    public int LabelRecordsWritten { get; set; }

    public int LabelsUpdatedNewLabels { get; set; }

    public TimeSpan Total { get; set; }

    /// <summary>The release ledger's records after the rollouts, as <c>fleet status</c> reads them.</summary>
    public List<EdgeMlOps.Contracts.ReleaseRecord> Releases { get; } = [];

    /// <summary>The rows of <c>fleet status</c> at the end of the rollouts.</summary>
    public List<EdgeMlOps.FleetStatus.FleetStatusRow> FleetStatus { get; } = [];

    /// <summary><c>fleet status</c> as the command prints it.</summary>
    public string FleetStatusTable { get; set; } = string.Empty;

    /// <summary>True when every captured image was listed for labeling: the loop from device back to labeling closed.</summary>
    public bool LoopClosed => CapturedObjects.Count > 0 && CapturedObjects.All(key => ManifestSourceRefs.Any(r => r.EndsWith("/" + key, StringComparison.Ordinal)));

    /// <summary>The whole report: every step with its lines, then <see cref="RenderSummary"/> (the report file).</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("=== EdgeMlOpsInfra local digital twin: model approval -> devices -> labeling ===");
        var n = 0;
        foreach (var step in Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"[{++n}] {step.Title} ({step.Duration.TotalSeconds:0.0} s)");
            foreach (var line in step.Lines)
            {
                text.AppendLine("    " + line);
            }
        }

        return text.Append(RenderSummary()).ToString();
    }

    /// <summary>The outcome only: what the console shows after the steps it printed while they ran.</summary>
    public string RenderSummary()
    {
        var text = new StringBuilder();
        text.AppendLine("--- summary ---");
        foreach (var scenario in Scenarios)
        {
            text.AppendLine(scenario.AsIntended ? scenario.Line : scenario.Line + " -- NOT as intended");
        }

        foreach (var rollout in Rollouts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{rollout.Scenario,-13} {rollout.Verdict} (execution {rollout.ExecutionStatus}{(rollout.Error is null ? "" : " with " + rollout.Error)}): " +
                $"{string.Join(", ", rollout.Deployments.Select(d => $"{d.Target}<-model {d.ModelComponentVersion}"))}; " +
                $"devices run {string.Join(", ", rollout.DeviceModelVersions.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"component versions: {string.Join(", ", ComponentVersions)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"model on device = model approved: {ModelHashes.Approved == ModelHashes.OnDevice} ({ModelHashes.Approved[..Math.Min(16, ModelHashes.Approved.Length)]}…)");
        text.AppendLine(CultureInfo.InvariantCulture, $"published: {ResultsPublished} results with {DetectionsPublished} detections, {HealthMessages} health messages; {ConfigurationUpdatesWithoutRestart} configuration update(s) applied without a restart");
        text.AppendLine(CultureInfo.InvariantCulture, $"captured and uploaded: {CapturedObjects.Count} image(s) under {CapturePrefixes.DeviceConfigured} (the labeling app scans {CapturePrefixes.LabelingScans})");
        text.AppendLine(CultureInfo.InvariantCulture, $"labeling: {LabelingStatus}, manifest {LabelingManifest} with {ManifestSourceRefs.Count} image(s), {LabelRecordsWritten} label record(s) written, LabelsUpdated newLabelCount {LabelsUpdatedNewLabels}");
        text.AppendLine(LoopClosed
            ? "loop closed: every image the devices captured was listed for labeling and labeled."
            : "loop NOT closed: some captured images were not listed for labeling.");
        text.AppendLine("fleet status (the `fleet status` command's code over the twin's release ledger and health table):");
        text.Append(FleetStatusTable);
        text.AppendLine(CultureInfo.InvariantCulture, $"total {Total.TotalSeconds:0.0} s");
        return text.ToString();
    }
}
