using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;

namespace EdgeMlOps.Cdk.EdgeDeployment.Components;

/// <summary>What the inference component recipe needs to know; <c>ArtifactUri</c> is the s3:// URI of the component zip.</summary>
public sealed record InferenceRecipeInput(string ComponentName, string ComponentVersion, string ModelComponentName, string ArtifactUri, ComponentTopics Topics);

/// <summary>
/// PLACEHOLDER renderer of the inference component recipe, used until
/// <c>EdgeMlOps.Edge.Packaging.InferenceRecipeRenderer</c> (edge-component) builds.
/// TODO(edge-component): switch <see cref="InferenceComponent"/> to InferenceRecipeRenderer.
/// It keeps the contract the edge deployment relies on: a HARD dependency on the model component (a new model
/// restarts inference), the model path through the model component's artifact path, the results and health
/// topics under <c>edge.topicPrefix</c>, and IPC access to PublishToIoTCore on exactly those topics.
/// </summary>
public static class InferenceRecipe
{
    public static string Render(InferenceRecipeInput input)
    {
        var thing = ComponentTopics.ComponentThingNamePlaceholder;
        var recipe = new JsonObject
        {
            ["RecipeFormatVersion"] = "2020-01-25",
            ["ComponentName"] = input.ComponentName,
            ["ComponentVersion"] = input.ComponentVersion,
            ["ComponentDescription"] = "EdgeMlOps YOLOv8 inference on ONNX Runtime (PLACEHOLDER recipe until the packager lands)",
            ["ComponentPublisher"] = "EdgeMlOpsInfra",
            ["ComponentDependencies"] = new JsonObject
            {
                [input.ModelComponentName] = new JsonObject { ["VersionRequirement"] = ">=1.0.0", ["DependencyType"] = "HARD" },
                ["aws.greengrass.TokenExchangeService"] = new JsonObject { ["VersionRequirement"] = ">=2.0.0 <3.0.0", ["DependencyType"] = "HARD" },
            },
            ["ComponentConfiguration"] = new JsonObject
            {
                ["DefaultConfiguration"] = new JsonObject
                {
                    ["resultsTopic"] = input.Topics.Results(thing),
                    ["healthTopic"] = input.Topics.Health(thing),
                    ["accessControl"] = new JsonObject
                    {
                        ["aws.greengrass.ipc.mqttproxy"] = new JsonObject
                        {
                            [$"{input.ComponentName}:mqttproxy:1"] = new JsonObject
                            {
                                ["policyDescription"] = "Publish inference results and health to IoT Core",
                                ["operations"] = new JsonArray("aws.greengrass#PublishToIoTCore"),
                                ["resources"] = new JsonArray(input.Topics.Results("{iot:thingName}"), input.Topics.Health("{iot:thingName}")),
                            },
                        },
                    },
                },
            },
            ["Manifests"] = new JsonArray(
                new JsonObject
                {
                    ["Platform"] = new JsonObject { ["os"] = "linux" },
                    ["Artifacts"] = new JsonArray(new JsonObject { ["URI"] = input.ArtifactUri, ["Unarchive"] = "ZIP" }),
                    ["Lifecycle"] = new JsonObject
                    {
                        ["Run"] = $"dotnet {{artifacts:decompressedPath}}/inference/EdgeMlOps.Edge.Component.dll --model {{{input.ModelComponentName}:artifacts:path}}/model.onnx",
                    },
                }),
        };
        return recipe.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
