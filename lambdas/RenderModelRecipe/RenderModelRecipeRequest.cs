using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Input of the Lambda: <c>modelPackage</c> is the DescribeModelPackage result as Step Functions returns it
/// (PascalCase members), <c>modelComponentName</c> and <c>artifactsBucket</c> come from the configuration,
/// <c>attempt</c> (optional, default 0) counts the component versions of this package Greengrass marked FAILED before,
/// <c>deployedRecord</c> (optional) is the workflow's record of the release running now (see <see cref="ShadowRelease.Plan"/>).
/// </summary>
public sealed record RenderModelRecipeRequest(JsonObject ModelPackage, string ModelComponentName, string ArtifactsBucket, int Attempt = 0)
{
    /// <summary>The release running now, as the workflow read it; null when not passed.</summary>
    public JsonObject? DeployedRecord { get; init; }

    public static RenderModelRecipeRequest FromJson(JsonObject json) => new(
        json["modelPackage"] as JsonObject ?? throw new ArgumentException("modelPackage must be an object (the DescribeModelPackage result)"),
        json["modelComponentName"]?.GetValue<string>() is { Length: > 0 } name ? name : throw new ArgumentException("modelComponentName is required"),
        json["artifactsBucket"]?.GetValue<string>() is { Length: > 0 } bucket ? bucket : throw new ArgumentException("artifactsBucket is required"),
        json["attempt"] is null ? 0
            : json["attempt"] is JsonValue a && a.TryGetValue<int>(out var attempt) && attempt is >= 0 and < ModelComponentVersion.MaxAttempts ? attempt
            : throw new ArgumentException($"attempt must be a whole number from 0 to {ModelComponentVersion.MaxAttempts - 1}, got {json["attempt"]!.ToJsonString()}"))
    {
        DeployedRecord = json["deployedRecord"] as JsonObject,
    };
}
