using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>Turns a DynamoDB item in AttributeValue form (S, N, BOOL, NULL, M, L, SS, NS) into plain JSON.</summary>
public static class AttributeValues
{
    public static JsonNode? ToPlain(JsonObject item)
    {
        var plain = new JsonObject();
        foreach (var (name, value) in item)
        {
            plain[name] = Convert(value as JsonObject);
        }

        return plain;
    }

    private static JsonNode? Convert(JsonObject? attribute)
    {
        if (attribute is null || attribute.Count != 1)
        {
            return null;
        }

        var (type, value) = attribute.First();
        return type switch
        {
            "S" => JsonValue.Create(value?.GetValue<string>()),
            "N" => double.TryParse(value?.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
            "BOOL" => JsonValue.Create(value?.GetValue<bool>() ?? false),
            "NULL" => null,
            "M" => value is JsonObject map ? ToPlain(map) : null,
            "L" => value is JsonArray list ? new JsonArray(list.Select(e => Convert(e as JsonObject)).ToArray()) : null,
            "SS" => value?.DeepClone(),
            "NS" => value is JsonArray numbers ? new JsonArray(numbers.Select(e => (JsonNode?)JsonValue.Create(double.Parse(e!.GetValue<string>(), CultureInfo.InvariantCulture))).ToArray()) : null,
            _ => null,
        };
    }
}
