using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.LocalTwin.Report;

/// <summary>
/// The reason of a scenario's report line, taken from what the workflow decided and recorded, never written per
/// scenario: for a rollback, the phase the release ledger records as failed and the health gate's findings the
/// rollback e-mail quotes; for a promotion, the ledger's phase outcomes, the shadow evidence of the approval e-mail
/// and the acceptance result the canary reported (the heartbeat the gate passed).
/// </summary>
public static class ScenarioReasons
{
    /// <summary>Characters of one device's gate finding kept in a line.</summary>
    public const int MaxFindingLength = 300;

    private static readonly string[] s_failedOutcomes = ["unhealthy", "rejected", "failed"];

    /// <summary>
    /// <c>&lt;phase&gt; &lt;outcome&gt;: &lt;device&gt;: &lt;gate finding&gt;</c>, e.g. <c>shadowHealth unhealthy: twin-canary-01: the
    /// model failed its on-device acceptance check (MODEL_QUALITY_FAILED): ...</c>.
    /// </summary>
    public static string RolledBack(ReleaseRecord? release, IEnumerable<(string Subject, string Message)> notifications)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var phase = release?.Phases.OrderBy(p => p.Value.At).FirstOrDefault(p => s_failedOutcomes.Contains(p.Value.Outcome));
        var findings = notifications.Where(n => n.Subject.Contains("rolled back", StringComparison.Ordinal)).Select(n => GateFindings(n.Message)).FirstOrDefault(f => f is not null);
        var phaseText = phase is { Key: { } name } found ? $"{name} {found.Value.Outcome}" : "no failed phase in the ledger";
        return findings is null ? $"{phaseText}; the rollback e-mail quotes no health gate verdict" : $"{phaseText}: {findings}";
    }

    /// <summary>
    /// The ledger's verdicts in order (e.g. <c>shadowHealth healthy, canaryHealth healthy, approval approved, fleetHealth
    /// healthy</c>), the approval e-mail's shadow finding and the canary's acceptance result.
    /// </summary>
    public static string Promoted(ReleaseRecord? release, IEnumerable<(string Subject, string Message)> notifications, string canary, HealthAcceptance? canaryAcceptance)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var verdicts = release is null
            ? "no ledger record"
            : string.Join(", ", release.Phases.OrderBy(p => p.Value.At).Where(p => p.Value.Outcome != "deployed").Select(p => $"{p.Key} {p.Value.Outcome}"));
        var approval = notifications.FirstOrDefault(n => n.Subject.Contains("approve the fleet rollout", StringComparison.Ordinal)).Message;
        var shadow = approval is null ? "no approval e-mail" : ShadowFinding(approval);
        var acceptance = canaryAcceptance is null
            ? $"{canary} reported no acceptance result"
            : string.Create(CultureInfo.InvariantCulture,
                $"{canary} acceptance {canaryAcceptance.Status}: parity {canaryAcceptance.Parity:0.###} ({canaryAcceptance.MatchedBoxes}/{canaryAcceptance.ExpectedBoxes} boxes) on {canaryAcceptance.Images} image(s)");
        return $"{acceptance}; {shadow}; {verdicts}";
    }

    /// <summary>The health gate's failed devices (or its summary) from the rollback e-mail's <c>Health gate: {json}</c> line.</summary>
    public static string? GateFindings(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const string Prefix = "Health gate: ";
        var line = message.Split('\n').FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        JsonNode? verdict;
        try
        {
            verdict = JsonNode.Parse(line[Prefix.Length..]);
        }
        catch (JsonException)
        {
            return null;
        }

        var devices = (verdict?["failedDevices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => $"{d["thingName"]?.GetValue<string>()}: {Cut(d["reason"]?.GetValue<string>() ?? "no reason")}")
            .ToList();
        return devices.Count > 0 ? string.Join("; ", devices) : verdict?["summary"]?.GetValue<string>() is { } summary ? Cut(summary) : null;
    }

    /// <summary>
    /// The approval e-mail's shadow paragraph, up to the per-device list: <c>Shadow evaluation ...: 40 frames compared; box
    /// F1 min 1, ...</c> or <c>No shadow evaluation: the group had no current model ...</c>.
    /// </summary>
    public static string ShadowFinding(string approvalMessage)
    {
        ArgumentNullException.ThrowIfNull(approvalMessage);
        var paragraph = approvalMessage.Split('\n').FirstOrDefault(l => l.Contains("hadow evaluation", StringComparison.Ordinal));
        return paragraph is null ? "the approval e-mail carries no shadow finding" : paragraph.Trim().TrimEnd('.');
    }

    private static string Cut(string text) => text.Length > MaxFindingLength ? text[..MaxFindingLength] + "…" : text;
}
