using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// Revises a thing group's deployment. A Greengrass deployment replaces the target's whole component list, so a
/// new model must be merged into what is already there. Merge rules:
/// <list type="number">
/// <item>Every component of the current deployment stays, with its specification copied verbatim.</item>
/// <item>Each update sets its component's version; the component's configuration update and run-with settings,
/// when it had them, are kept (the operator's choices outlive a model release); a new component gets only its version.</item>
/// <item>An update's configuration merge is deep-merged over the component's existing <c>ConfigurationUpdate.Merge</c>
/// (the release's keys win, the operator's other keys stay); <c>Reset</c> paths are kept.</item>
/// <item>Each component is updated at most once, and names and versions must look like Greengrass's.</item>
/// <item>The rollback list is the current list unchanged: the last known good of this target (empty when the
/// target had no deployment, which removes what the failed release added), except that an update's
/// <see cref="ComponentUpdate.RollbackReset"/> paths are added to that component's <c>ConfigurationUpdate.Reset</c>
/// there, so keys the release set return to their defaults on the device.</item>
/// </list>
/// </summary>
public static partial class DeploymentReviser
{
    private const string VersionMember = "ComponentVersion";

    public static DeploymentRevision Revise(JsonObject currentComponents, IReadOnlyList<ComponentUpdate> updates)
    {
        var problems = new List<string>();
        if (updates.Count == 0)
        {
            problems.Add("updates must name at least one component");
        }

        foreach (var duplicate in updates.GroupBy(u => u.ComponentName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"component {duplicate.Key} is updated {duplicate.Count()} times");
        }

        foreach (var update in updates)
        {
            if (!ComponentNamePattern().IsMatch(update.ComponentName))
            {
                problems.Add($"component name '{update.ComponentName}' is not a Greengrass component name");
            }

            if (!VersionPattern().IsMatch(update.ComponentVersion))
            {
                problems.Add($"component {update.ComponentName}: version '{update.ComponentVersion}' is not major.minor.patch");
            }
        }

        foreach (var (name, spec) in currentComponents)
        {
            if (spec is not JsonObject specification || specification[VersionMember] is not JsonValue)
            {
                problems.Add($"current component {name} has no {VersionMember}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        var revised = (JsonObject)currentComponents.DeepClone();
        foreach (var update in updates)
        {
            if (revised[update.ComponentName] is not JsonObject specification)
            {
                specification = new JsonObject();
                revised[update.ComponentName] = specification;
            }

            specification[VersionMember] = update.ComponentVersion;
            if (update.ConfigurationMerge is { Count: > 0 } merge)
            {
                SetMerge(specification, update.ComponentName, merge);
            }
        }

        var rollback = (JsonObject)currentComponents.DeepClone();
        foreach (var update in updates.Where(u => u.RollbackReset.Count > 0))
        {
            if (update.RollbackReset.FirstOrDefault(p => !p.StartsWith('/')) is { } bad)
            {
                throw new ArgumentException($"component {update.ComponentName}: rollbackReset '{bad}' is not a JSON pointer");
            }

            // A component the target did not have leaves with the rollback; nothing to reset.
            if (rollback[update.ComponentName] is JsonObject specification)
            {
                if (specification["ConfigurationUpdate"] is not JsonObject configurationUpdate)
                {
                    configurationUpdate = new JsonObject();
                    specification["ConfigurationUpdate"] = configurationUpdate;
                }

                if (configurationUpdate["Reset"] is not JsonArray reset)
                {
                    reset = [];
                    configurationUpdate["Reset"] = reset;
                }

                foreach (var path in update.RollbackReset.Where(p => !reset.Any(r => r?.GetValue<string>() == p)))
                {
                    reset.Add(path);
                }
            }
        }

        var updated = updates.Select(u => u.ComponentName).ToHashSet(StringComparer.Ordinal);
        var kept = currentComponents.Select(kv => kv.Key).Where(n => !updated.Contains(n)).Order(StringComparer.Ordinal).ToList();
        return new DeploymentRevision(revised, rollback, kept);
    }

    /// <summary>Greengrass keeps the merge as a JSON document in a string; the release's keys are merged into it.</summary>
    private static void SetMerge(JsonObject specification, string componentName, JsonObject merge)
    {
        if (specification["ConfigurationUpdate"] is not JsonObject configurationUpdate)
        {
            configurationUpdate = new JsonObject();
            specification["ConfigurationUpdate"] = configurationUpdate;
        }

        var existingText = configurationUpdate["Merge"]?.GetValue<string>();
        JsonObject existing;
        try
        {
            existing = string.IsNullOrWhiteSpace(existingText) ? [] : JsonNode.Parse(existingText) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"component {componentName}: the current ConfigurationUpdate.Merge is not JSON: {e.Message}", e);
        }

        ConfigurationMerge.Into(existing, merge);
        configurationUpdate["Merge"] = existing.ToJsonString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^\d{1,9}\.\d{1,9}\.\d{1,9}$")]
    private static partial Regex VersionPattern();
}
