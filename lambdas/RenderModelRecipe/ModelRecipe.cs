using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Renders the Greengrass recipe of the model component: the ONNX artifact (readable by every component user, so
/// the inference component can open it), the acceptance set's archive when the model has one (unpacked by
/// Greengrass; the inference component runs it before serving) and the model's metadata as default configuration. It has no lifecycle:
/// the component only delivers the file, and the inference component finds it through
/// <c>{&lt;model component&gt;:artifacts:path}/model.onnx</c>.
/// </summary>
public static class ModelRecipe
{
    public const string ModelFileName = "model.onnx";

    /// <summary>
    /// Configuration key holding the class names joined with ',' (a string: Greengrass interpolates a string into the
    /// inference component's lifecycle as it is). Passed as the component's <c>classNames</c>, used when the model
    /// file carries no names (InferenceRecipeProps.ModelClassNamesKey names the same key).
    /// </summary>
    public const string ClassNamesArgumentKey = "classNamesArgument";

    /// <summary>
    /// Configuration key naming the acceptance set's document below the component's unpacked artifacts
    /// (<c>acceptance/acceptance.json</c>), empty when the model has none; the inference component's recipe passes it
    /// as its <c>acceptanceSet</c> (InferenceRecipeProps.ModelAcceptanceSetKey names the same key).
    /// </summary>
    public const string AcceptanceSetKey = "acceptanceSet";

    /// <param name="acceptanceArchiveUri">The set's acceptance.zip in the artifacts bucket, a second artifact unpacked by Greengrass; null without a set.</param>
    /// <param name="currentModelArtifactUri">
    /// The current release's model copied beside this one (<c>current.onnx</c>) for shadow evaluation on the canary;
    /// null for a first release. Every device of this version downloads it; only a shadow deployment uses it.
    /// </param>
    /// <param name="current">
    /// The current release's model component and package versions (with <paramref name="currentModelArtifactUri"/>):
    /// written into the configuration so that the results the current model publishes in shadow name it, not the candidate.
    /// </param>
    public static string Render(string componentName, string componentVersion, string artifactUri, string modelPackageArn, string modelPackageGroupName, int modelPackageVersion, int imageSize, IReadOnlyList<string> classNames,
        string? acceptanceArchiveUri = null, string? currentModelArtifactUri = null, (string ComponentVersion, int PackageVersion)? current = null)
    {
        var artifacts = new JsonArray(
            new JsonObject
            {
                ["URI"] = artifactUri,
                ["Permission"] = new JsonObject { ["Read"] = "ALL", ["Execute"] = "NONE" },
            });
        if (currentModelArtifactUri is not null)
        {
            artifacts.Add(new JsonObject
            {
                ["URI"] = currentModelArtifactUri,
                ["Permission"] = new JsonObject { ["Read"] = "ALL", ["Execute"] = "NONE" },
            });
        }

        if (acceptanceArchiveUri is not null)
        {
            artifacts.Add(new JsonObject
            {
                ["URI"] = acceptanceArchiveUri,
                ["Unarchive"] = "ZIP",
                ["Permission"] = new JsonObject { ["Read"] = "ALL", ["Execute"] = "NONE" },
            });
        }

        var recipe = new JsonObject
        {
            ["RecipeFormatVersion"] = "2020-01-25",
            ["ComponentName"] = componentName,
            ["ComponentVersion"] = componentVersion,
            ["ComponentType"] = "aws.greengrass.generic",
            ["ComponentDescription"] = $"YOLOv8 ONNX model, version {modelPackageVersion} of model package group {modelPackageGroupName}",
            ["ComponentPublisher"] = "EdgeMlOpsInfra",
            ["ComponentConfiguration"] = new JsonObject
            {
                ["DefaultConfiguration"] = new JsonObject
                {
                    ["modelFile"] = ModelFileName,
                    // Read by the inference component's recipe ({<model>:configuration:/modelComponentVersion}) and
                    // reported in its health message, where the health gate checks it.
                    ["modelComponentVersion"] = componentVersion,
                    ["modelPackageArn"] = modelPackageArn,
                    ["modelPackageVersion"] = modelPackageVersion,
                    ["imageSize"] = imageSize,
                    ["classNames"] = new JsonArray(classNames.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                    [ClassNamesArgumentKey] = string.Join(',', classNames),
                    [AcceptanceSetKey] = acceptanceArchiveUri is null ? string.Empty : EdgeMlOps.Contracts.Training.AcceptanceSet.DevicePath,
                },
            },
            ["Manifests"] = new JsonArray(
                new JsonObject
                {
                    ["Platform"] = new JsonObject { ["os"] = "linux" },
                    ["Artifacts"] = artifacts,
                    ["Lifecycle"] = new JsonObject(),
                }),
        };
        if (current is { } release)
        {
            var configuration = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
            configuration[EdgeMlOps.Contracts.ShadowEvaluation.ModelComponentConfiguration.CurrentComponentVersion] = release.ComponentVersion;
            configuration[EdgeMlOps.Contracts.ShadowEvaluation.ModelComponentConfiguration.CurrentPackageVersion] = release.PackageVersion;
        }

        return recipe.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
