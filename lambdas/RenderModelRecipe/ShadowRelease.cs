using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// How a release with a current model runs in shadow on the canary first (issue 14, part 5): the current model's
/// file is copied beside the candidate's (<see cref="ArtifactKey"/>, named <see cref="ShadowEvaluation.CurrentModelFileName"/>)
/// and the candidate's model component carries both, so the canary's shadow deployment only has to name the file.
/// </summary>
/// <param name="CopySource">The current release's model in the artifacts bucket (S3 CopyObject's <c>bucket/key</c>).</param>
/// <param name="ArtifactKey">Where the copy goes, beside the candidate's model.</param>
/// <param name="CurrentComponentVersion">The model component version running now (for the approval e-mail and logs).</param>
public sealed record ShadowRelease(string CopySource, string ArtifactKey, string ArtifactUri, string CurrentModelPackageArn, int CurrentModelPackageVersion, string CurrentComponentVersion)
{
    /// <summary>
    /// The shadow plan for a candidate of <paramref name="group"/> version <paramref name="version"/>, from the
    /// workflow's <c>deployedRecord</c> (<c>{"record": {...}}</c> as SummariseDeployedRelease wrote it, or
    /// <c>{"value": "none"}</c> before the first release): null when nothing runs yet (the first release skips
    /// shadow), or when the record is of another group or the same package version.
    /// </summary>
    public static ShadowRelease? Plan(JsonObject? deployedRecord, string artifactsBucket, string group, int version)
    {
        if (deployedRecord?["record"] is not JsonObject record
            || record["modelPackageGroupName"]?.GetValue<string>() != group
            || record["modelPackageVersion"] is not JsonValue v || !v.TryGetValue<int>(out var currentVersion)
            || currentVersion == version)
        {
            return null;
        }

        var currentKey = $"models/{group}/{currentVersion}/{ModelRecipe.ModelFileName}";
        var key = $"models/{group}/{version}/{ShadowEvaluation.CurrentModelFileName}";
        return new ShadowRelease(
            $"{artifactsBucket}/{currentKey}",
            key,
            new S3Uri(artifactsBucket, key).ToString(),
            record["modelPackageArn"]?.GetValue<string>() ?? string.Empty,
            currentVersion,
            record["modelComponent"]?["componentVersion"]?.GetValue<string>() ?? string.Empty);
    }

    public JsonObject ToJson() => new()
    {
        ["copySource"] = CopySource,
        ["artifactKey"] = ArtifactKey,
        ["artifactUri"] = ArtifactUri,
        ["currentModelFile"] = ShadowEvaluation.CurrentModelFileName,
        ["currentModelPackageArn"] = CurrentModelPackageArn,
        ["currentModelPackageVersion"] = CurrentModelPackageVersion,
        ["currentComponentVersion"] = CurrentComponentVersion,
    };
}
