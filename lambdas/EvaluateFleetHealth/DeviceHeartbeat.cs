using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The latest health message of one device, as the IoT rule stored it in the health table: the component's
/// message fields plus <c>thingName</c> (from the topic) and <c>receivedAt</c> (epoch milliseconds of IoT Core's
/// clock, so a device's wrong clock cannot make a stale heartbeat look fresh).
/// Fields relied on: <c>frames</c> (frames processed since the component started), <c>failures</c> (an object of
/// counts by reason, or one count) and <c>modelComponentVersion</c> (top level or inside <c>model</c> /
/// <c>modelVersions</c>).
/// </summary>
public sealed record DeviceHeartbeat(string ThingName, DateTimeOffset ReceivedAt, long Frames, long Failures, string? ModelComponentVersion)
{
    public double ErrorRate => Frames == 0 ? 0 : (double)Failures / Frames;

    /// <summary>Reads a DynamoDB item in AttributeValue form (<c>{"frames": {"N": "12"}}</c>); null when absent or unusable.</summary>
    public static DeviceHeartbeat? FromItem(string thingName, JsonObject? item)
    {
        if (item is null)
        {
            return null;
        }

        var message = AttributeValues.ToPlain(item) as JsonObject;
        if (message is null || Number(message["receivedAt"]) is not { } receivedAt)
        {
            return null;
        }

        var failures = message["failures"] switch
        {
            JsonObject byReason => byReason.Sum(kv => Number(kv.Value) ?? 0),
            var other => Number(other) ?? 0,
        };
        var version = Text(message["modelComponentVersion"])
            ?? Text(message["model"]?["componentVersion"])
            ?? Text(message["modelVersions"]?["modelComponentVersion"]);
        return new DeviceHeartbeat(
            thingName,
            DateTimeOffset.FromUnixTimeMilliseconds((long)receivedAt),
            (long)(Number(message["frames"]) ?? 0),
            (long)failures,
            version);
    }

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
