using System.Text.Json.Nodes;
using EdgeMlOps.EdgeDeployment.ReviseDeployment;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>A component's effective configuration: its recipe's defaults, then the deployment's Reset, then its Merge.</summary>
public static class ComponentConfiguration
{
    public static JsonObject Effective(JsonObject defaults, JsonNode? configurationUpdate)
    {
        var configuration = (JsonObject)defaults.DeepClone();
        if (configurationUpdate is not JsonObject update)
        {
            return configuration;
        }

        foreach (var pointer in (update["Reset"] as JsonArray ?? []).Select(p => p?.GetValue<string>()).OfType<string>())
        {
            Reset(configuration, defaults, pointer);
        }

        if (update["Merge"]?.GetValue<string>() is { Length: > 0 } mergeText)
        {
            var merge = JsonNode.Parse(mergeText) as JsonObject
                ?? throw new DeploymentFailedException($"ConfigurationUpdate.Merge is not a JSON object: {mergeText}");
            ConfigurationMerge.Into(configuration, merge);
        }

        return configuration;
    }

    /// <summary>Top-level keys whose values differ between two configurations.</summary>
    public static IReadOnlyList<string> ChangedKeys(JsonObject before, JsonObject after) =>
        [.. before.Select(kv => kv.Key).Union(after.Select(kv => kv.Key)).Where(k => !JsonNode.DeepEquals(before[k], after[k]))];

    private static void Reset(JsonObject configuration, JsonObject defaults, string pointer)
    {
        if (pointer is "" or "/")
        {
            configuration.Clear();
            foreach (var (key, value) in defaults)
            {
                configuration[key] = value?.DeepClone();
            }

            return;
        }

        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = configuration;
        foreach (var segment in segments[..^1])
        {
            if (parent[segment] is not JsonObject child)
            {
                return;
            }

            parent = child;
        }

        var original = RecipeVariables.Pointer(defaults, pointer);
        if (original is null)
        {
            parent.Remove(segments[^1]);
        }
        else
        {
            parent[segments[^1]] = original.DeepClone();
        }
    }
}
