using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Packaging;

namespace Contracts.Tests;

/// <summary>The inference component's configuration keys: what the recipe sets, what the component reads.</summary>
public sealed class InferenceConfigurationContractTests
{
    private static JsonObject RecipeDefaults()
    {
        var recipe = JsonNode.Parse(InferenceRecipeRenderer.Render(new InferenceRecipeProps
        {
            ComponentName = "com.edgemlops.Inference",
            ComponentVersion = "1.0.0",
            ArtifactUri = "s3://assets/inference.zip",
            ModelComponentName = "com.edgemlops.Model",
        }))!;
        return recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
    }

    [Fact]
    public void The_component_reads_the_recipes_default_configuration_as_its_own_defaults()
    {
        var fromRecipe = SettingsJson.ParseComponent(RecipeDefaults()).Runtime;

        Assert.Equal(new RuntimeSettings(), fromRecipe);
        Assert.Equal(CaptureLayout.DefaultPrefix, fromRecipe.Capture.Prefix);
    }

    [Fact]
    public void Every_runtime_key_of_the_contract_is_in_the_recipe_and_read_by_the_component()
    {
        var recipe = RecipeDefaults();
        var component = JsonSerializer.SerializeToNode(new RuntimeSettings(), SettingsJson.Options)!;

        foreach (var pointer in InferenceConfiguration.Keys.RuntimePointers)
        {
            Assert.True(Resolve(recipe, pointer) is not null, $"the recipe's default configuration has no {pointer}");
            Assert.True(Resolve(component, pointer) is not null, $"the component's RuntimeSettings has no member for {pointer}");
        }
    }

    [Fact]
    public void A_changed_capture_prefix_reaches_the_component()
    {
        var update = new JsonObject { [InferenceConfiguration.Keys.Capture] = new JsonObject { [InferenceConfiguration.Keys.CapturePrefix] = "frames/" } };

        var settings = SettingsJson.ParseRuntime(update, new RuntimeSettings());

        Assert.Equal("frames/", settings.Capture.Prefix);
    }

    private static JsonNode? Resolve(JsonNode node, string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate((JsonNode?)node, (n, key) => n?[key]);
}
