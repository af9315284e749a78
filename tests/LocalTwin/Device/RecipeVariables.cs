using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>Where one installed component lives on the device, and its effective configuration.</summary>
public sealed record InstalledComponent(ComponentRecipe Recipe, string ArtifactsPath, string DecompressedPath, string WorkPath, JsonObject Configuration);

/// <summary>
/// Greengrass recipe variable interpolation in lifecycle scripts: <c>{artifacts:path}</c>,
/// <c>{artifacts:decompressedPath}</c>, <c>{work:path}</c>, <c>{configuration:/a/b}</c>, <c>{iot:thingName}</c>,
/// <c>{kernel:rootPath}</c>, and the same with a dependency's name in front (<c>{Model:artifacts:path}</c>,
/// <c>{Model:configuration:/key}</c>). An unknown variable is left as written, as the nucleus does.
/// </summary>
public sealed partial class RecipeVariables(string thingName, string rootPath, IReadOnlyDictionary<string, InstalledComponent> components)
{
    public string Interpolate(string text, string componentName) =>
        Variable().Replace(text, match => Lookup(match.Groups["body"].Value, componentName) ?? match.Value);

    private string? Lookup(string body, string componentName)
    {
        switch (body)
        {
            case "iot:thingName":
                return thingName;
            case "kernel:rootPath":
                return rootPath;
        }

        var parts = body.Split(':', 3);
        // "{name:namespace:key}" reads a dependency, "{namespace:key}" the component itself.
        var (owner, space, key) = parts.Length == 3 && parts[1] is "artifacts" or "configuration" or "work"
            ? (parts[0], parts[1], parts[2])
            : (componentName, parts[0], parts.Length > 1 ? string.Join(':', parts[1..]) : string.Empty);
        if (!components.TryGetValue(owner, out var component))
        {
            return null;
        }

        return (space, key) switch
        {
            ("artifacts", "path") => component.ArtifactsPath,
            ("artifacts", "decompressedPath") => component.DecompressedPath,
            ("work", "path") => component.WorkPath,
            ("configuration", _) when key.StartsWith('/') => Format(Pointer(component.Configuration, key)),
            _ => null,
        };
    }

    /// <summary>The node at a JSON pointer such as <c>/capture/bucket</c>; null when absent.</summary>
    public static JsonNode? Pointer(JsonObject root, string pointer)
    {
        JsonNode? node = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out var child) ? child : null;
        }

        return node;
    }

    // Greengrass writes strings as they are, other scalars in JSON form and containers as JSON text.
    private static string? Format(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>().ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"\{(?<body>[A-Za-z0-9._\-]+:[^{}\s]+|iot:thingName)\}")]
    private static partial Regex Variable();
}
