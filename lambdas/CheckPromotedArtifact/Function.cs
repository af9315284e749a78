using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using EdgeMlOps.Contracts;
using EdgeMlOps.Contracts.Training;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.EdgeDeployment.CheckPromotedArtifact;

/// <summary>
/// Lambda handler <c>CheckPromotedArtifact::EdgeMlOps.EdgeDeployment.CheckPromotedArtifact.Function::Handle</c>.
/// Input: <c>{"artifactUri": "s3://...", "expectedSha256"?: hex, "metadata"?: {model package metadata},
/// "promoteTo"?: {"bucket", "containerImageUri", "sourceModelPackageArn", "inferenceSpecification"}}</c>. The
/// expected digest is, in this order: <c>expectedSha256</c>; the package's <c>onnxSha256</c> (written by an earlier
/// promotion: the artifact that passed pre-production); the model SHA-256 its acceptance set names
/// (<c>acceptanceSetUri</c>, written by training, the set devices check the model against). When the metadata names
/// an acceptance set, the set must name the same model digest and its archive must have the package's
/// <c>acceptanceArchiveSha256</c> (when the package has one). With <c>promoteTo</c>, the output also holds the
/// <see cref="PromotionPlan"/> (<c>copies</c>, the promoted <c>metadata</c> and <c>inferenceSpecification</c>).
/// Output: <see cref="ArtifactDigestVerdict.ToJson"/> (with <c>matches</c> and <c>reason</c> covering every check),
/// plus the acceptance metrics when the set was read. A mismatch is a result, not an error: the workflow refuses it.
/// </summary>
public sealed class Function
{
    public async Task<Stream> Handle(Stream input)
    {
        var request = await JsonNode.ParseAsync(input).ConfigureAwait(false) as JsonObject
            ?? throw new ArgumentException("The input must be a JSON object");
        var artifact = S3Uri.Parse(request["artifactUri"]?.GetValue<string>());
        using var s3 = S3ClientFactory.Create();

        var metadata = request["metadata"] as JsonObject;
        var setText = Text(metadata, ModelPackageMetadata.AcceptanceSetUri);
        S3Uri? setUri = setText is null ? null : S3Uri.Parse(setText);
        AcceptanceSet? set = null;
        long setBytes = 0;
        var expected = Text(request, "expectedSha256") ?? Text(metadata, ModelPackageMetadata.OnnxSha256);
        if (expected is null)
        {
            // A package fresh from training vouches for its model through its acceptance set only.
            (set, setBytes) = await ReadSetAsync(s3, setUri
                ?? throw new ArgumentException($"expectedSha256, or metadata with {ModelPackageMetadata.OnnxSha256} or {ModelPackageMetadata.AcceptanceSetUri}, is required")).ConfigureAwait(false);
            expected = set.Model.Sha256;
        }

        var verdict = await HashAsync(s3, artifact, expected).ConfigureAwait(false);
        var refusal = verdict.Matches ? null : verdict.Reason;
        (S3Uri Set, long SetBytes, S3Uri Archive, long ArchiveBytes, string ArchiveSha256)? acceptance = null;
        if (refusal is null && setUri is { } setLocation)
        {
            try
            {
                if (set is null)
                {
                    (set, setBytes) = await ReadSetAsync(s3, setLocation).ConfigureAwait(false);
                }
            }
            catch (AcceptanceSetException e)
            {
                refusal = $"the acceptance set cannot be read: {e.Message}";
            }

            // The set travels with its model: one made for another model is not the evidence of this one.
            if (set is not null && !string.Equals(set.Model.Sha256, expected, StringComparison.Ordinal))
            {
                refusal = $"the acceptance set {setLocation} was made for the model with SHA-256 {set.Model.Sha256}, not {expected}";
            }
            else if (set is not null)
            {
                var archive = S3Uri.Parse(AcceptanceSet.ArchiveUri(setLocation.ToString())
                    ?? throw new ArgumentException($"{ModelPackageMetadata.AcceptanceSetUri} must end in /{AcceptanceSet.DevicePath}, got {setLocation}"));
                var expectedArchive = Text(metadata, ModelPackageMetadata.AcceptanceArchiveSha256);
                // Without an expected digest (a package fresh from training) the archive is only hashed, for the lineage.
                var archiveVerdict = await HashAsync(s3, archive, expectedArchive ?? string.Empty).ConfigureAwait(false);
                if (expectedArchive is not null && !archiveVerdict.Matches)
                {
                    refusal = $"acceptance archive {archive}: {archiveVerdict.Reason}";
                }

                acceptance = (setLocation, setBytes, archive, archiveVerdict.SizeBytes, archiveVerdict.ActualSha256);
            }
        }

        var output = verdict.ToJson();
        output["artifactUri"] = artifact.ToString();
        output["artifactBucket"] = artifact.Bucket;
        output["artifactKey"] = artifact.Key;
        output["copySource"] = PlannedCopy.CopySourceOf(artifact);
        if (acceptance is { } checkedSet)
        {
            output["acceptanceArchiveSha256"] = checkedSet.ArchiveSha256;
        }

        if (set is not null)
        {
            output["acceptanceMetrics"] = JsonSerializer.SerializeToNode(set.Metrics)!.AsObject();
        }

        if (request["promoteTo"] is JsonObject target)
        {
            var plan = refusal is null ? await PlanAsync(s3, target, artifact, verdict, metadata ?? [], acceptance).ConfigureAwait(false) : null;
            refusal ??= plan!.Refusal;
            output["promoted"] = refusal is null ? plan!.ToJson() : new PromotionPlan.Result([], [], [], refusal).ToJson();
        }

        output["matches"] = refusal is null;
        output["reason"] = refusal ?? verdict.Reason;
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, output);
        stream.Position = 0;
        return stream;
    }

    private static async Task<PromotionPlan.Result> PlanAsync(
        IAmazonS3 s3, JsonObject target, S3Uri artifact, ArtifactDigestVerdict verdict, JsonObject metadata,
        (S3Uri Set, long SetBytes, S3Uri Archive, long ArchiveBytes, string ArchiveSha256)? acceptance)
    {
        var specification = target["inferenceSpecification"] as JsonObject;
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var url in PromotionPlan.ModelDataUrls(specification))
        {
            if (S3Uri.TryParse(url, out var location))
            {
                var head = await s3.GetObjectMetadataAsync(location.Bucket, location.Key).ConfigureAwait(false);
                sizes[url] = head.ContentLength;
            }
        }

        return PromotionPlan.Build(new PromotionPlan.Inputs(
            verdict.ActualSha256,
            artifact,
            verdict.SizeBytes,
            metadata,
            specification,
            Text(target, "bucket") ?? throw new ArgumentException("promoteTo.bucket is required"),
            Text(target, "containerImageUri") ?? throw new ArgumentException("promoteTo.containerImageUri is required"),
            Text(target, "sourceModelPackageArn") ?? throw new ArgumentException("promoteTo.sourceModelPackageArn is required"),
            acceptance,
            sizes));
    }

    private static async Task<(AcceptanceSet Set, long Bytes)> ReadSetAsync(IAmazonS3 s3, S3Uri uri)
    {
        var text = await ReadTextAsync(s3, uri).ConfigureAwait(false);
        return (AcceptanceSet.Parse(text, uri.ToString()), System.Text.Encoding.UTF8.GetByteCount(text));
    }

    private static async Task<ArtifactDigestVerdict> HashAsync(IAmazonS3 s3, S3Uri uri, string expected)
    {
        using var response = await s3.GetObjectAsync(uri.Bucket, uri.Key).ConfigureAwait(false);
        return await ArtifactDigestVerdict.OfAsync(response.ResponseStream, expected).ConfigureAwait(false);
    }

    private static async Task<string> ReadTextAsync(IAmazonS3 s3, S3Uri uri)
    {
        using var response = await s3.GetObjectAsync(uri.Bucket, uri.Key).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    private static string? Text(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
