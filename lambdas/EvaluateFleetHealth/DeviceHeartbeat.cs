using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The latest health message of one device (the inference component's schema 1, see
/// edge-component/src/EdgeMlOps.Edge.Component/Health/HealthMessageWriter.cs), as the IoT rule stored it in the
/// health table, plus <c>thingName</c> (from the topic) and <c>receivedAt</c> (epoch milliseconds of IoT Core's
/// clock, so a device's wrong clock cannot make a stale heartbeat look fresh).
/// Fields relied on: <c>frames.processed</c> and <c>frames.failed</c> (counts since the component started; a
/// failed frame is one skipped as corrupt, unsupported or failing inference), <c>model.componentVersion</c>,
/// <c>state</c> (RUNNING, ERRORED, …) and <c>model.lastError</c>.
/// </summary>
public sealed record DeviceHeartbeat(string ThingName, DateTimeOffset ReceivedAt, long Frames, long Failures, string? ModelComponentVersion, string? State = null, string? LastError = null)
{
    /// <summary>Failed frames over all frames seen (processed plus failed).</summary>
    public double ErrorRate => Frames == 0 ? 0 : (double)Failures / Frames;

    /// <summary>Reads a DynamoDB item in AttributeValue form (<c>{"frames": {"M": {"processed": {"N": "12"}}}}</c>); null when absent or unusable.</summary>
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

        var processed = (long)(Number(message["frames"]?["processed"]) ?? 0);
        var failed = (long)(Number(message["frames"]?["failed"]) ?? 0);
        return new DeviceHeartbeat(
            thingName,
            DateTimeOffset.FromUnixTimeMilliseconds((long)receivedAt),
            processed + failed,
            failed,
            Text(message["model"]?["componentVersion"]),
            Text(message["state"]),
            Text(message["model"]?["lastError"]));
    }

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
