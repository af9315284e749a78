using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// One canary device's on-device acceptance check as the health rule stores it (the <c>acceptance*</c> attributes of
/// <c>cdk/EdgeDeployment/Fleet/DeviceHealthStore.cs</c>, from <see cref="HealthAcceptance"/>).
/// </summary>
public sealed record DeviceAcceptance(
    string ThingName, string Status, string? Message, int Images, double Precision, double Recall, double Map50, double ExpectedMap50,
    double Parity, double ParityThreshold, double MaxConfidenceDifference)
{
    public bool Passed => Status == AcceptanceStatuses.Passed;

    /// <summary>Reads a health-table item (attribute-value form); null without a thing name or an acceptance status.</summary>
    public static DeviceAcceptance? FromItem(JsonObject item)
    {
        if (AttributeValues.ToPlain(item) is not JsonObject plain || Text(plain["thingName"]) is not { } thing || Text(plain["acceptanceStatus"]) is not { } status)
        {
            return null;
        }

        return new DeviceAcceptance(thing, status, Text(plain["acceptanceMessage"]), (int)(Number(plain["acceptanceImages"]) ?? 0),
            Number(plain["acceptancePrecision"]) ?? 0, Number(plain["acceptanceRecall"]) ?? 0, Number(plain["acceptanceMap50"]) ?? 0,
            Number(plain["acceptanceExpectedMap50"]) ?? 0, Number(plain["acceptanceParity"]) ?? 0, Number(plain["acceptanceParityThreshold"]) ?? 0,
            Number(plain["acceptanceMaxConfidenceDifference"]) ?? 0);
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}

/// <summary>
/// The on-device acceptance evidence of the canary for the approval e-mail, read when the canary (serving the
/// candidate) has passed the health gate, for every release (a first release has no shadow evidence, but it has
/// this): counts by status and the range of each metric over every device read, then one line per device for at
/// most <see cref="ListedDevices"/> devices, the weakest first (not passed, then lowest parity, then lowest mAP50),
/// and how many were left out. The text stays below <see cref="MaxCharacters"/> characters whatever the canary's
/// size (the workflow reads the heartbeats of at most 100 canary core devices by key: a canary group of 50 fits).
/// </summary>
public static class AcceptanceEvidence
{
    public const int ListedDevices = 10;

    public const int MaxCharacters = 3_000;

    /// <summary>Characters of a device's acceptance message kept in its line.</summary>
    public const int MaxMessageLength = 120;

    /// <summary>The evidence text from health-table items (DynamoDB attribute-value form, the rule's acceptance attributes).</summary>
    public static string Summarise(IEnumerable<JsonObject> items, bool moreItems)
    {
        ArgumentNullException.ThrowIfNull(items);
        var read = items.ToList();
        var devices = read.Select(DeviceAcceptance.FromItem).OfType<DeviceAcceptance>().DistinctBy(d => d.ThingName).ToList();
        // Heartbeats without the block (a component before acceptance, or written before the rule kept it) are counted, not hidden.
        var without = read.Count(i => DeviceAcceptance.FromItem(i) is null && i["thingName"] is JsonObject);
        var withoutNote = without > 0 ? $" {without} other canary device(s) sent heartbeats without acceptance results." : string.Empty;
        if (devices.Count == 0)
        {
            return "On-device acceptance: no canary heartbeat with acceptance results was found." + withoutNote;
        }

        var counts = string.Join(", ", devices.GroupBy(d => d.Status).OrderBy(g => StatusOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
        var text = $"On-device acceptance on {devices.Count}{(moreItems ? " (first page of)" : string.Empty)} canary device(s): {counts}.{withoutNote}";
        var checkedDevices = devices.Where(d => d.Images > 0).ToList();
        if (checkedDevices.Count > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture,
                $" Over the {checkedDevices.Count} device(s) that ran the set: precision {Range(checkedDevices, d => d.Precision)}, recall {Range(checkedDevices, d => d.Recall)}, " +
                $"mAP50 {Range(checkedDevices, d => d.Map50)} (training side {checkedDevices.Max(d => d.ExpectedMap50):0.###}), " +
                $"parity {Range(checkedDevices, d => d.Parity)} (threshold {checkedDevices.Max(d => d.ParityThreshold):0.###}), " +
                $"largest confidence difference {checkedDevices.Max(d => d.MaxConfidenceDifference):0.###}.");
        }

        var listed = devices
            .OrderBy(d => d.Passed ? 1 : 0)
            .ThenBy(d => d.Parity)
            .ThenBy(d => d.Map50)
            .ThenBy(d => d.ThingName, StringComparer.Ordinal)
            .Take(ListedDevices)
            .ToList();
        var lines = listed.Select(Line).ToList();
        var header = devices.Count > listed.Count
            ? $"Per device (the {listed.Count} weakest of {devices.Count}; {devices.Count - listed.Count} more not listed):"
            : "Per device:";
        var result = text + "\n" + header + "\n" + string.Join("\n", lines);
        return result.Length <= MaxCharacters ? result : result[..MaxCharacters];
    }

    /// <summary>One device's line, e.g. <c>  press-07: passed, precision 0.9, recall 0.85, mAP50 0.88, parity 1 (reproduced at IoU ≥ 0.9, same class), largest confidence difference 0.002, 16 images</c>.</summary>
    public static string Line(DeviceAcceptance device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var line = device.Images > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"  {Cut(device.ThingName, 64)}: {device.Status}, precision {device.Precision:0.###}, recall {device.Recall:0.###}, mAP50 {device.Map50:0.###}, " +
                $"parity {device.Parity:0.###} (threshold {device.ParityThreshold:0.###}), largest confidence difference {device.MaxConfidenceDifference:0.###}, {device.Images} images")
            : $"  {Cut(device.ThingName, 64)}: {device.Status}{(device.Status == AcceptanceStatuses.None ? " (the model came without an acceptance set)" : string.Empty)}";
        return device.Message is { } message ? $"{line}: {Cut(message, MaxMessageLength)}" : line;
    }

    /// <summary>
    /// The BatchGetItem keys of the canary's core devices (<c>{"acceptanceEvidenceKeys": &lt;ListCoreDevices page&gt;}</c>):
    /// <c>{"keys": [{"thingName": {"S": name}}, ...], "moreDevices": bool}</c>, at most 100 keys (a page holds at most 100
    /// devices; BatchGetItem takes at most 100 keys), repeated names once.
    /// </summary>
    public static JsonObject KeysFromJson(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request["acceptanceEvidenceKeys"] as JsonObject ?? throw new ArgumentException("acceptanceEvidenceKeys must be a ListCoreDevices result");
        var names = (page["CoreDevices"] as JsonArray ?? [])
            .Select(d => d?["CoreDeviceThingName"] is JsonValue v && v.TryGetValue<string>(out var name) && name.Length > 0 ? name : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new JsonObject
        {
            ["keys"] = new JsonArray([.. names.Take(MaxKeys).Select(n => (JsonNode)new JsonObject { ["thingName"] = new JsonObject { ["S"] = n } })]),
            ["moreDevices"] = names.Count > MaxKeys || page["NextToken"] is JsonValue,
        };
    }

    /// <summary>Keys one evidence read asks for (BatchGetItem's limit).</summary>
    public const int MaxKeys = 100;

    /// <summary>
    /// Reads the workflow's <c>{"acceptanceEvidence": {"page": &lt;BatchGetItem result&gt;, "moreDevices"?}, "expectedModelComponentVersion"?}</c>
    /// (or a Query result's <c>Items</c> in place of <c>page</c>): heartbeats of another model version than the expected
    /// one are left out and counted.
    /// </summary>
    public static JsonObject FromJson(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var evidence = request["acceptanceEvidence"] as JsonObject ?? throw new ArgumentException("acceptanceEvidence is required");
        var page = evidence["page"] as JsonObject;
        var items = (page?["Responses"] as JsonObject)?.SelectMany(t => (t.Value as JsonArray ?? []).OfType<JsonObject>())
            ?? (evidence["Items"] as JsonArray ?? []).OfType<JsonObject>();
        var unprocessed = (page?["UnprocessedKeys"] as JsonObject ?? []).Sum(t => (t.Value?["Keys"] as JsonArray)?.Count ?? 0);
        var more = evidence["moreDevices"] is JsonValue m && m.TryGetValue<bool>(out var flag) ? flag : evidence["LastEvaluatedKey"] is JsonObject;
        var expected = request["expectedModelComponentVersion"] is JsonValue e && e.TryGetValue<string>(out var version) ? version : null;
        var current = items.ToList();
        var otherVersion = expected is null ? 0 : current.Count(i => ModelVersion(i) is { } v && v != expected);
        if (expected is not null)
        {
            current = [.. current.Where(i => ModelVersion(i) is not { } v || v == expected)];
        }

        var text = Summarise(current, more);
        var notes = new List<string>();
        if (otherVersion > 0)
        {
            notes.Add($"{otherVersion} canary device(s) report another model component version than {expected} and are not counted.");
        }

        if (unprocessed > 0)
        {
            notes.Add($"{unprocessed} canary device(s) could not be read (DynamoDB left them unprocessed).");
        }

        var result = notes.Count == 0 ? text : text + "\n" + string.Join("\n", notes);
        return new JsonObject { ["text"] = result.Length <= MaxCharacters ? result : result[..MaxCharacters] };
    }

    private static string? ModelVersion(JsonObject item) =>
        item["modelComponentVersion"]?["S"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Range(IReadOnlyList<DeviceAcceptance> devices, Func<DeviceAcceptance, double> metric)
    {
        var min = devices.Min(metric);
        var mean = devices.Average(metric);
        return devices.Count == 1
            ? min.ToString("0.###", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"min {min:0.###}, mean {mean:0.###}");
    }

    private static int StatusOrder(string status) => status switch
    {
        AcceptanceStatuses.Passed => 0,
        AcceptanceStatuses.Failed => 1,
        AcceptanceStatuses.Invalid => 2,
        AcceptanceStatuses.Pending => 3,
        AcceptanceStatuses.None => 4,
        _ => 5,
    };

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;
}
