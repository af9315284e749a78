using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Removes fields from an ASL definition at synthesis, so that a choice the configuration fixes (e.g. the public
/// workforce's task price, which a private workteam must not send) is made once in the template rather than by a
/// runtime Choice on a constant. A path names the field from the top of the definition, dot-separated
/// (<c>States.StartLabelingJob.Parameters.HumanTaskConfig.PublicWorkforceTaskPrice</c>); each must exist, so a
/// renamed state fails the synthesis instead of silently keeping the field.
/// </summary>
public static class AslFieldOmission
{
    // Relaxed escaping keeps the definition readable in the template ('${X}' stays as written, not \u0027).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Apply(string file, string definition, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return definition;
        }

        var root = JsonNode.Parse(definition)?.AsObject()
            ?? throw new ArgumentException($"{file}: the definition is not a JSON object");
        var missing = new List<string>();
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            JsonObject? parent = root;
            foreach (var segment in segments[..^1])
            {
                parent = parent?[segment] as JsonObject;
            }

            if (parent is null || !parent.Remove(segments[^1]))
            {
                missing.Add($"{file}: omitted field '{path}' does not exist");
            }
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException(string.Join(System.Environment.NewLine, missing));
        }

        return root.ToJsonString(Indented);
    }
}
