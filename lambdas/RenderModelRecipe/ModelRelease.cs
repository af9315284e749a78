using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>What to deploy for one model package: where its ONNX file goes and the recipe of its component.</summary>
/// <param name="CopySource">Source of S3 CopyObject: <c>bucket/url-encoded-key</c>.</param>
/// <param name="ArtifactKey">Key of the copied model in the artifacts bucket; holds the package version.</param>
/// <param name="Recipe">The component recipe as JSON text (CreateComponentVersion's InlineRecipe).</param>
public sealed record ModelRelease(
    string ModelPackageArn,
    string ModelPackageGroupName,
    int ModelPackageVersion,
    string ComponentName,
    string ComponentVersion,
    string CopySource,
    string ArtifactKey,
    string ArtifactUri,
    int ImageSize,
    IReadOnlyList<string> ClassNames,
    string Recipe)
{
    /// <summary>s3:// URI of the model's acceptance set (metadata acceptanceSetUri); null for a package registered without one.</summary>
    public string? AcceptanceSetUri { get; init; }

    /// <summary>Where the package came from (metadata), for the release ledger.</summary>
    public ReleaseLineage Lineage { get; init; } = ReleaseLineage.From(null);

    /// <summary>
    /// The set's archive (acceptance.zip beside the set's folder) copied into the artifacts bucket beside the model,
    /// where the model component's recipe names it; null without a set.
    /// </summary>
    public AcceptanceArchiveCopy? AcceptanceArchive { get; init; }

    /// <summary>How the candidate runs in shadow on the canary first; null for a first release (no current model).</summary>
    public ShadowRelease? Shadow { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["modelPackageArn"] = ModelPackageArn,
            ["modelPackageGroupName"] = ModelPackageGroupName,
            ["modelPackageVersion"] = ModelPackageVersion,
            ["componentName"] = ComponentName,
            ["componentVersion"] = ComponentVersion,
            ["copySource"] = CopySource,
            ["artifactKey"] = ArtifactKey,
            ["artifactUri"] = ArtifactUri,
            ["imageSize"] = ImageSize,
            ["classNames"] = new JsonArray(ClassNames.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["recipe"] = Recipe,
            ["acceptanceSetUri"] = AcceptanceSetUri,
            ["shadow"] = Shadow?.ToJson(),
            ["lineage"] = Lineage.ToJson(),
        };
        if (AcceptanceArchive is { } archive)
        {
            // Absent without a set: the workflow's CheckModelHasAcceptanceSet tests presence.
            json["acceptanceArchive"] = new JsonObject { ["copySource"] = archive.CopySource, ["key"] = archive.Key, ["uri"] = archive.Uri };
        }

        return json;
    }
}

/// <param name="CopySource">Source of S3 CopyObject: <c>bucket/url-encoded-key</c> of the training side's acceptance.zip.</param>
/// <param name="Key">Key in the artifacts bucket, beside the model.</param>
/// <param name="Uri">s3:// URI of <paramref name="Key"/>, the recipe's artifact.</param>
public sealed record AcceptanceArchiveCopy(string CopySource, string Key, string Uri);

/// <summary>The Lambda's answer: a release when the package is deployable, else every problem found.</summary>
public sealed record ModelReleaseDecision(ModelRelease? Release, IReadOnlyList<string> Problems)
{
    public bool Valid => Release is not null;

    public JsonObject ToJson() => new()
    {
        ["valid"] = Valid,
        ["problems"] = new JsonArray(Problems.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        ["release"] = Release?.ToJson(),
    };
}
