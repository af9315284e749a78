using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlOps.Labeling.Common;

/// <summary>JSON conventions of the labeling Lambdas: camelCase in and out, as the state machine writes its payloads.</summary>
public static class LambdaJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static Stream ToStream<T>(T value)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, value, Options);
        stream.Position = 0;
        return stream;
    }
}
