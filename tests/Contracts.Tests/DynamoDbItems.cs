using System.Text.Json;
using System.Text.Json.Nodes;

namespace Contracts.Tests;

/// <summary>
/// What the edge app's IoT rule does with a health message: <c>SELECT *, topic(2) AS thingName, timestamp() AS
/// receivedAt</c>, stored by the DynamoDBv2 action as one attribute per top-level key — read back by GetItem in
/// AttributeValue form (S, N, BOOL, NULL, M, L), as the health gate receives it from the workflow.
/// </summary>
internal static class DynamoDbItems
{
    public static JsonObject FromHealthMessage(ReadOnlySpan<byte> message, string thingName, DateTimeOffset receivedAt)
    {
        var selected = JsonNode.Parse(message)!.AsObject();
        selected["thingName"] = thingName;
        selected["receivedAt"] = receivedAt.ToUnixTimeMilliseconds();
        return (JsonObject)ToAttributeValue(selected)["M"]!;
    }

    private static JsonObject ToAttributeValue(JsonNode? node) => node switch
    {
        null => new JsonObject { ["NULL"] = true },
        JsonObject map => new JsonObject { ["M"] = new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToAttributeValue(p.Value)))) },
        JsonArray list => new JsonObject { ["L"] = new JsonArray(list.Select(e => (JsonNode?)ToAttributeValue(e)).ToArray()) },
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonObject { ["S"] = v.GetValue<string>() },
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => new JsonObject { ["BOOL"] = v.GetValue<bool>() },
        _ => new JsonObject { ["N"] = node.ToJsonString() },
    };
}
