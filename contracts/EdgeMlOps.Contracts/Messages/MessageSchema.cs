using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The envelope every device message carries: <c>schemaVersion</c> (an integer major version; fields added within a
/// major version are optional to readers) and <c>messageType</c>. Readers check both before reading a field.
/// </summary>
public static class MessageSchema
{
    public const string VersionField = "schemaVersion";
    public const string TypeField = "messageType";

    /// <summary>JSON of the device messages: camelCase names, nulls written (a null says "none", not "unknown").</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>
    /// Checks <paramref name="message"/>'s schema version and type. An unknown major version or another message type
    /// throws <see cref="UnsupportedMessageException"/>, naming what was found and what this reader supports.
    /// </summary>
    public static void Check(JsonObject message, string messageType, int supportedVersion)
    {
        ArgumentNullException.ThrowIfNull(message);
        var version = MajorVersion(message[VersionField]);
        if (version != supportedVersion)
        {
            throw new UnsupportedMessageException(
                $"{messageType} message has {VersionField} {Describe(message[VersionField])}; this reader supports {supportedVersion}");
        }

        var type = message[TypeField] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        if (type is not null && !string.Equals(type, messageType, StringComparison.Ordinal))
        {
            throw new UnsupportedMessageException($"expected a {messageType} message, got {TypeField} '{type}'");
        }
    }

    /// <summary>Reads a message after <see cref="Check"/>: a field of the wrong type is an <see cref="UnsupportedMessageException"/> naming it.</summary>
    public static T Read<T>(JsonObject message, string messageType, int supportedVersion)
        where T : class
    {
        Check(message, messageType, supportedVersion);
        // The version may be written "1.2" or stored as 1.0 (a DynamoDB number): the record holds the major version.
        var normalized = message.DeepClone().AsObject();
        normalized[VersionField] = supportedVersion;
        try
        {
            return normalized.Deserialize<T>(Json) ?? throw new UnsupportedMessageException($"{messageType} message is null");
        }
        catch (JsonException ex)
        {
            throw new UnsupportedMessageException($"{messageType} message field '{ex.Path?.TrimStart('$', '.')}' is invalid: {ex.Message}");
        }
    }

    /// <summary>The major version of a <c>schemaVersion</c> value: 1, 1.0 (a DynamoDB number), "1" or "1.2"; null when absent or not a version.</summary>
    public static int? MajorVersion(JsonNode? value)
    {
        if (value is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<int>(out var whole))
        {
            return whole;
        }

        if (v.TryGetValue<double>(out var number))
        {
            return number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue ? (int)number : null;
        }

        return v.TryGetValue<string>(out var text)
            && int.TryParse(text.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    private static string Describe(JsonNode? value) => value is null ? "(missing)" : value.ToJsonString();
}

/// <summary>A message this reader cannot read: unknown schema version, another message type, or an invalid field.</summary>
public sealed class UnsupportedMessageException : Exception
{
    public UnsupportedMessageException()
    {
    }

    public UnsupportedMessageException(string message)
        : base(message)
    {
    }

    public UnsupportedMessageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
