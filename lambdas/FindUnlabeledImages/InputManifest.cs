using System.Text;
using System.Text.Json;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Ground Truth input manifest: JSON lines of <c>{"source-ref": "s3://..."}</c>.</summary>
public static class InputManifest
{
    public static string Write(IEnumerable<ImageObject> images)
    {
        var builder = new StringBuilder();
        foreach (var image in images)
        {
            builder.Append(JsonSerializer.Serialize(new Dictionary<string, string> { ["source-ref"] = image.SourceRef })).Append('\n');
        }

        return builder.ToString();
    }
}
