using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.FleetStatus;

/// <summary>Prints <c>fleet status</c> rows as an aligned text table (people) or JSON (scripts).</summary>
public static class FleetStatusFormatter
{
    private static readonly string[] Headers = ["DEVICE", "STATE", "MODEL", "PACKAGE", "TRAINING EXECUTION", "DATASET SNAPSHOT", "LAST HEARTBEAT", "DRIFT"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

    public static string Json(IReadOnlyList<FleetStatusRow> rows) => JsonSerializer.Serialize(new { devices = rows }, JsonOptions);

    public static string Table(IReadOnlyList<FleetStatusRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(r => new[]
        {
            r.ThingName,
            r.State,
            r.ModelComponentVersion ?? "-",
            r.ModelPackageVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
            LastSegment(r.TrainingPipelineExecution),
            r.DatasetSnapshotId ?? "-",
            $"{r.LastHeartbeat.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({Age(r.HeartbeatAgeSeconds)} ago)",
            r.DriftScore?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-",
        }).ToList();
        var widths = Headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Line(text, Headers, widths);
        foreach (var row in cells)
        {
            Line(text, row, widths);
        }

        text.Append(CultureInfo.InvariantCulture, $"{rows.Count} device(s); {rows.Count(r => r.State == FleetStatusReport.Silent)} silent; ")
            .Append(string.Join(", ", rows.GroupBy(r => r.ModelComponentVersion ?? "-").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}")))
            .Append('\n');
        return text.ToString();
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> cells, int[] widths) =>
        text.Append(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append('\n');

    // A pipeline execution ARN ends with its id, which is what the SageMaker console shows.
    private static string LastSegment(string? arn) => arn is null ? "-" : arn[(arn.LastIndexOf('/') + 1)..];

    private static string Age(double seconds) => seconds switch
    {
        < 120 => $"{seconds:0}s",
        < 7200 => $"{seconds / 60:0}m",
        < 172_800 => $"{seconds / 3600:0}h",
        _ => $"{seconds / 86_400:0}d",
    };
}
