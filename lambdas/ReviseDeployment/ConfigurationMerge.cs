using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// Greengrass's configuration merge (a deployment's <c>ConfigurationUpdate.Merge</c> over a component's
/// configuration): objects are merged key by key, any other value — arrays included — replaces what was there.
/// </summary>
public static class ConfigurationMerge
{
    /// <summary>Merges <paramref name="source"/> into <paramref name="target"/> (changing it); values are copied.</summary>
    public static void Into(JsonObject target, JsonObject source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (key, value) in source)
        {
            if (value is JsonObject nested && target[key] is JsonObject existing)
            {
                Into(existing, nested);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
