using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using EdgeMlOps.Contracts;
using EdgeMlOps.Contracts.Training;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.EdgeDeployment.CheckPromotedArtifact;

/// <summary>
/// Lambda handler <c>CheckPromotedArtifact::EdgeMlOps.EdgeDeployment.CheckPromotedArtifact.Function::Handle</c>.
/// Input: <c>{"artifactUri": "s3://...", "expectedSha256"?: hex, "metadata"?: {model package metadata}}</c>. The
/// expected digest is, in this order: <c>expectedSha256</c>; the package's <c>onnxSha256</c> (written by an earlier
/// promotion: the artifact that passed pre-production); the model SHA-256 its acceptance set names
/// (<c>acceptanceSetUri</c>, written by training, the set devices check the model against). Output: <see cref="ArtifactDigestVerdict.ToJson"/>, plus the
/// acceptance metrics when the set was read. A mismatch is a result, not an error: the workflow refuses it.
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
        var expected = request["expectedSha256"]?.GetValue<string>() ?? metadata?[ModelPackageMetadata.OnnxSha256]?.GetValue<string>();
        JsonObject? metrics = null;
        if (expected is null)
        {
            var setUri = S3Uri.Parse(metadata?[ModelPackageMetadata.AcceptanceSetUri]?.GetValue<string>()
                ?? throw new ArgumentException($"expectedSha256, or metadata with {ModelPackageMetadata.OnnxSha256} or {ModelPackageMetadata.AcceptanceSetUri}, is required"));
            var set = AcceptanceSet.Parse(await ReadTextAsync(s3, setUri).ConfigureAwait(false), setUri.ToString());
            expected = set.Model.Sha256;
            metrics = JsonSerializer.SerializeToNode(set.Metrics)!.AsObject();
        }

        using var response = await s3.GetObjectAsync(artifact.Bucket, artifact.Key).ConfigureAwait(false);
        var verdict = await ArtifactDigestVerdict.OfAsync(response.ResponseStream, expected).ConfigureAwait(false);
        var output = verdict.ToJson();
        output["artifactUri"] = artifact.ToString();
        // CopyObject's source: bucket/key with the key's segments URL-encoded.
        output["copySource"] = $"{artifact.Bucket}/{string.Join('/', artifact.Key.Split('/').Select(Uri.EscapeDataString))}";
        if (metrics is not null)
        {
            output["acceptanceMetrics"] = metrics;
        }

        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, output);
        stream.Position = 0;
        return stream;
    }

    private static async Task<string> ReadTextAsync(IAmazonS3 s3, S3Uri uri)
    {
        using var response = await s3.GetObjectAsync(uri.Bucket, uri.Key).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }
}
