using System.Text.Json.Nodes;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>An artifact of a recipe manifest: its URI and whether Greengrass unpacks it.</summary>
public sealed record RecipeArtifact(string Uri, bool Unarchive)
{
    /// <summary>The artifact's file name (the last segment of the URI).</summary>
    public string FileName => Uri[(Uri.LastIndexOf('/') + 1)..];
}

/// <summary>
/// The parts of a Greengrass v2 recipe (JSON) a core device acts on (recipe keys are case-insensitive, as the
/// nucleus reads them): name, version, dependencies, default
/// configuration, and the manifest selected for the device's platform (lifecycle and artifacts).
/// </summary>
public sealed record ComponentRecipe
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required IReadOnlyList<string> Dependencies { get; init; }

    public required JsonObject DefaultConfiguration { get; init; }

    public required JsonObject Lifecycle { get; init; }

    public required IReadOnlyList<RecipeArtifact> Artifacts { get; init; }

    /// <summary>The lifecycle's Setenv variables (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Setenv =>
        (Field(Lifecycle, "Setenv") as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);

    /// <summary>The script of a lifecycle step (<c>Run</c>, <c>Shutdown</c>, …) given as text or as <c>{"Script": …}</c>; null when absent.</summary>
    public string? Script(string step) => Field(Lifecycle, step) switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonObject obj => Field(obj, "Script")?.GetValue<string>(),
        _ => null,
    };

    /// <summary>The Timeout of a lifecycle step in seconds. Default: Greengrass's 15 s for Shutdown, 120 s otherwise.</summary>
    public int TimeoutSeconds(string step) => Field(Lifecycle, step) is JsonObject obj && Field(obj, "Timeout") is JsonValue timeout
        ? timeout.GetValue<int>()
        : step == "Shutdown" ? 15 : 120;

    /// <summary>
    /// Parses a recipe and selects the first manifest whose platform matches (a missing <c>os</c> or
    /// <c>architecture</c> matches anything), as the nucleus does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The recipe is not valid JSON, lacks a name or version, or has no manifest for the platform.</exception>
    public static ComponentRecipe Parse(string recipeJson, string os = "linux", string architecture = "amd64")
    {
        var recipe = JsonNode.Parse(recipeJson) as JsonObject ?? throw new InvalidOperationException("The recipe is not a JSON object.");
        var name = Field(recipe, "ComponentName")?.GetValue<string>() ?? throw new InvalidOperationException("The recipe has no ComponentName.");
        var version = Field(recipe, "ComponentVersion")?.GetValue<string>() ?? throw new InvalidOperationException($"Recipe {name} has no ComponentVersion.");
        var manifest = (Field(recipe, "Manifests") as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(m => Matches(Field(m, "Platform") as JsonObject, os, architecture))
            ?? throw new InvalidOperationException($"Recipe {name} {version} has no manifest for {os}/{architecture}.");
        return new ComponentRecipe
        {
            Name = name,
            Version = version,
            Dependencies = [.. (Field(recipe, "ComponentDependencies") as JsonObject ?? []).Select(kv => kv.Key)],
            DefaultConfiguration = Field(Field(recipe, "ComponentConfiguration") as JsonObject, "DefaultConfiguration")?.DeepClone() as JsonObject ?? [],
            Lifecycle = Field(manifest, "Lifecycle")?.DeepClone() as JsonObject ?? [],
            Artifacts = [.. (Field(manifest, "Artifacts") as JsonArray ?? []).OfType<JsonObject>().Select(a => new RecipeArtifact(
                Field(a, "Uri")?.GetValue<string>() ?? throw new InvalidOperationException($"Recipe {name} {version} has an artifact without Uri."),
                string.Equals(Field(a, "Unarchive")?.GetValue<string>(), "ZIP", StringComparison.OrdinalIgnoreCase)))],
        };
    }

    private static bool Matches(JsonObject? platform, string os, string architecture) =>
        platform is null
        || ((Field(platform, "os")?.GetValue<string>() is not { } o || o == "*" || o == os)
            && (Field(platform, "architecture")?.GetValue<string>() is not { } a || a == "*" || a == architecture));

    private static JsonNode? Field(JsonObject? obj, string key) =>
        obj?.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}
