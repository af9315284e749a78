using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The latest <see cref="HealthMessage"/> of one device, as the IoT rule stored it in the health table, plus
/// <c>thingName</c> (from the topic) and <c>receivedAt</c> (epoch milliseconds of IoT Core's clock, so a device's
/// wrong clock cannot make a stale heartbeat look fresh).
/// Fields relied on: <c>frames.processed</c> and <c>frames.failed</c> (counts since the component started),
/// <c>model.componentVersion</c>, <c>state</c> and <c>model.lastError</c>.
/// </summary>
/// <param name="Unreadable">Why the stored message could not be read (e.g. an unknown schema version); null when it was read.</param>
public sealed record DeviceHeartbeat(string ThingName, DateTimeOffset ReceivedAt, long Frames, long Failures, string? ModelComponentVersion, string? State = null, string? LastError = null, string? Unreadable = null)
{
    /// <summary>The item attribute the IoT rule adds: when IoT Core received the message.</summary>
    public const string ReceivedAtAttribute = "receivedAt";

    /// <summary>Failed frames over all frames seen (processed plus failed).</summary>
    public double ErrorRate => Frames == 0 ? 0 : (double)Failures / Frames;

    /// <summary>
    /// Reads a DynamoDB item in AttributeValue form (<c>{"frames": {"M": {"processed": {"N": "12"}}}}</c>); null when
    /// absent or without <c>receivedAt</c>. A message this gate cannot read comes back with <see cref="Unreadable"/> set.
    /// </summary>
    public static DeviceHeartbeat? FromItem(string thingName, JsonObject? item)
    {
        if (item is null || AttributeValues.ToPlain(item) is not JsonObject message
            || message[ReceivedAtAttribute] is not JsonValue received || !TryNumber(received, out var receivedAtMs))
        {
            return null;
        }

        var receivedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)receivedAtMs);
        HealthMessage health;
        try
        {
            health = HealthMessage.Read(message);
        }
        catch (UnsupportedMessageException ex)
        {
            return new DeviceHeartbeat(thingName, receivedAt, 0, 0, null, Unreadable: ex.Message);
        }

        return new DeviceHeartbeat(
            thingName,
            receivedAt,
            health.Frames.Processed + health.Frames.Failed,
            health.Frames.Failed,
            NullIfEmpty(health.Model.ComponentVersion),
            NullIfEmpty(health.State),
            NullIfEmpty(health.Model.LastError));
    }

    private static bool TryNumber(JsonValue value, out double number) =>
        value.TryGetValue(out number)
        || (value.TryGetValue<string>(out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
