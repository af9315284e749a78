using System.Text.Json;

namespace SampleLambda;

/// <summary>Synchronous handler: tags one image with a prefix taken from the TAG_PREFIX environment variable.</summary>
public static class TagImageFunction
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Handler: <c>SampleLambda::SampleLambda.TagImageFunction::Handle</c>.</summary>
    public static Stream Handle(Stream input)
    {
        var request = JsonSerializer.Deserialize<TagRequest>(input, s_json)
            ?? throw new ArgumentException("The payload is empty.");
        var prefix = Environment.GetEnvironmentVariable("TAG_PREFIX") ?? "untagged";
        var result = new TagResult(request.Image, $"{prefix}:{Path.GetFileNameWithoutExtension(request.Image)}");
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result, s_json));
    }
}
