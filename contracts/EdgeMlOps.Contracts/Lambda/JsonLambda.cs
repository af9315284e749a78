using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The Stream-in/Stream-out plumbing of a .NET Lambda handler without Amazon.Lambda.* (not available here): the
/// state machine sends a JSON object, the handler returns JSON. The managed dotnet8 runtime needs no serializer then.
/// </summary>
public static class JsonLambda
{
    /// <summary>Parses the input as a JSON object, runs <paramref name="handle"/>, and returns its result as a stream.</summary>
    public static Stream Handle(Stream input, Func<JsonObject, JsonNode> handle)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(handle);
        var request = JsonNode.Parse(input) as JsonObject
            ?? throw new ArgumentException("The input must be a JSON object");
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, handle(request));
        output.Position = 0;
        return output;
    }
}
