using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The shadow agreement of the canary for the approval e-mail, read at the end of the shadow phase (after the
/// promotion the heartbeats no longer carry the block): a summary over every device read and the
/// <see cref="WorstDevices"/> lowest-F1 devices, so the text stays small whatever the canary's size (at most
/// <see cref="MaxCharacters"/> characters; the workflow reads at most 100 items).
/// </summary>
public static class ShadowEvidence
{
    public const int WorstDevices = 5;

    public const int MaxCharacters = 2_000;

    /// <summary>The evidence text from health-table items (DynamoDB attribute-value form, the rule's shadow attributes).</summary>
    public static string Summarise(IEnumerable<JsonObject> items, bool moreItems)
    {
        ArgumentNullException.ThrowIfNull(items);
        var devices = items.Select(FailingHeartbeat.FromItem).OfType<FailingHeartbeat>().Where(h => h.Shadow is not null).ToList();
        if (devices.Count == 0)
        {
            return "Shadow evaluation: no canary heartbeat with shadow results was found.";
        }

        var shadows = devices.Select(d => d.Shadow!).ToList();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Shadow evaluation of the candidate against the current model on {devices.Count}{(moreItems ? " (first page of)" : string.Empty)} canary device(s): " +
            $"{shadows.Sum(s => s.FramesCompared)} frames compared; box F1 min {shadows.Min(s => s.BoxF1):0.###}, mean {shadows.Average(s => s.BoxF1):0.###}; " +
            $"defect-rate difference {shadows.Min(s => s.DefectRateDifference):+0.###;-0.###;0} to {shadows.Max(s => s.DefectRateDifference):+0.###;-0.###;0}; " +
            $"frames where only the current model found a defect {shadows.Sum(s => s.MissedDefectFrames)} of {shadows.Sum(s => s.CurrentDefectFrames)}; " +
            $"latency p95 ratio max {shadows.Max(s => s.LatencyP95Ratio):0.##}.");
        var worst = devices.OrderBy(d => d.Shadow!.BoxF1).ThenBy(d => d.ThingName, StringComparer.Ordinal).Take(WorstDevices)
            .Select(d => string.Create(CultureInfo.InvariantCulture,
                $"  {Cut(d.ThingName, 64)}: F1 {d.Shadow!.BoxF1:0.###}, defect-rate difference {d.Shadow.DefectRateDifference:+0.###;-0.###;0}, missed {d.Shadow.MissedDefectFrames}/{d.Shadow.CurrentDefectFrames}, latency x{d.Shadow.LatencyP95Ratio:0.##}, {d.Shadow.FramesCompared} frames"));
        var result = text + "\nLowest agreement:\n" + string.Join("\n", worst);
        return result.Length <= MaxCharacters ? result : result[..MaxCharacters];
    }

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;

    /// <summary>Reads the workflow's <c>{"shadowEvidence": {"Items": [...], "LastEvaluatedKey"?}}</c> (a DynamoDB Query result).</summary>
    public static JsonObject FromJson(JsonObject request)
    {
        var page = request["shadowEvidence"] as JsonObject ?? throw new ArgumentException("shadowEvidence must be a DynamoDB Query result");
        var items = (page["Items"] as JsonArray ?? []).OfType<JsonObject>();
        return new JsonObject { ["text"] = Summarise(items, page["LastEvaluatedKey"] is JsonObject) };
    }
}
