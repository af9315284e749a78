using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Input of the Lambda: <c>modelPackage</c> is the DescribeModelPackage result as Step Functions returns it
/// (PascalCase members), <c>modelComponentName</c> and <c>artifactsBucket</c> come from the configuration.
/// </summary>
public sealed record RenderModelRecipeRequest(JsonObject ModelPackage, string ModelComponentName, string ArtifactsBucket)
{
    public static RenderModelRecipeRequest FromJson(JsonObject json) => new(
        json["modelPackage"] as JsonObject ?? throw new ArgumentException("modelPackage must be an object (the DescribeModelPackage result)"),
        json["modelComponentName"]?.GetValue<string>() is { Length: > 0 } name ? name : throw new ArgumentException("modelComponentName is required"),
        json["artifactsBucket"]?.GetValue<string>() is { Length: > 0 } bucket ? bucket : throw new ArgumentException("artifactsBucket is required"));
}
