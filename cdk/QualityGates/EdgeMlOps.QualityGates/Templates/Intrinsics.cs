using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.Templates;

/// <summary>Reads the few CloudFormation intrinsic shapes the gates need to follow references.</summary>
public static class Intrinsics
{
    /// <summary>The logical id named by <c>{"Ref": id}</c> or <c>{"Fn::GetAtt": [id, attr]}</c> (or "id.attr"), else null.</summary>
    public static string? ReferencedLogicalId(JsonNode? node)
    {
        if (node is not JsonObject obj || obj.Count != 1)
        {
            return null;
        }

        if (obj["Ref"] is JsonValue reference && reference.TryGetValue<string>(out var id))
        {
            return id;
        }

        return obj["Fn::GetAtt"] switch
        {
            JsonArray { Count: >= 1 } getAtt when getAtt[0] is JsonValue first && first.TryGetValue<string>(out var target) => target,
            JsonValue dotted when dotted.TryGetValue<string>(out var text) => text.Split('.')[0],
            _ => null,
        };
    }

    /// <summary>A string, or each string of an array; anything else (an intrinsic) yields nothing.</summary>
    public static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        JsonArray array => array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var t) ? t : null).OfType<string>(),
        _ => [],
    };
}
