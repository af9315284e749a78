using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Edge.Component.Configuration;

/// <summary>
/// Reads settings from one flat JSON object — the recipe's configuration, a file, or arguments turned into JSON:
/// startup keys (<see cref="ComponentSettings"/>) and runtime keys (<see cref="RuntimeSettings"/>) side by side.
/// Numbers and booleans may be strings (Greengrass configuration often holds them so).
/// </summary>
public static class SettingsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(), new LenientBooleanConverter() },
    };

    /// <summary>Parses startup and runtime settings; a malformed value throws <see cref="SettingsException"/> naming its key.</summary>
    public static ComponentSettings ParseComponent(JsonNode? json)
    {
        var settings = Deserialize<ComponentSettings>(json) ?? new ComponentSettings();
        return settings with { Runtime = ParseRuntime(json) };
    }

    /// <summary>Parses the runtime keys only (the rest are ignored).</summary>
    public static RuntimeSettings ParseRuntime(JsonNode? json) => Deserialize<RuntimeSettings>(json) ?? new RuntimeSettings();

    /// <summary>Parses runtime keys from a Greengrass configuration value.</summary>
    public static RuntimeSettings ParseRuntime(JsonElement json) => ParseRuntime(JsonNode.Parse(json.GetRawText()));

    /// <summary>
    /// Parses the runtime keys present in <paramref name="json"/> over <paramref name="baseline"/>: keys the update
    /// does not mention keep their current value (nested objects such as <c>capture</c> merge key by key).
    /// </summary>
    public static RuntimeSettings ParseRuntime(JsonNode? json, RuntimeSettings baseline)
    {
        var merged = JsonSerializer.SerializeToNode(baseline, Options) as JsonObject ?? [];
        if (json is JsonObject update)
        {
            Merge(merged, update);
        }

        return ParseRuntime(merged);
    }

    private static void Merge(JsonObject target, JsonObject update)
    {
        foreach (var (key, value) in update)
        {
            var existingKey = target.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ?? key;
            if (value is JsonObject child && target[existingKey] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[existingKey] = value?.DeepClone();
            }
        }
    }

    private static T? Deserialize<T>(JsonNode? json)
    {
        if (json is null)
        {
            return default;
        }

        try
        {
            return json.Deserialize<T>(Options);
        }
        catch (JsonException ex)
        {
            var key = ex.Path?.TrimStart('$', '.') ?? "(unknown)";
            throw new SettingsException([$"Configuration key '{key}' has an invalid value: {ex.Message}"]);
        }
    }

    /// <summary>Accepts true/false as JSON booleans or strings (Greengrass stores some as strings).</summary>
    private sealed class LenientBooleanConverter : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
            _ => throw new JsonException("expected true or false"),
        };

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }
}

/// <summary>Invalid settings: every problem found, each naming its key.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public SettingsException()
        : this([])
    {
    }

    public SettingsException(string message, Exception inner)
        : this([message + ": " + inner.Message])
    {
    }

    public SettingsException(string message)
        : this([message])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;
}
