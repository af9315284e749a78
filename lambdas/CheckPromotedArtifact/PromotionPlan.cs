using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Contracts.Training;

namespace EdgeMlOps.EdgeDeployment.CheckPromotedArtifact;

/// <summary>One object to copy into the target stage: CopyObject's <c>CopySource</c> (bucket/URL-encoded key) and target key.</summary>
public sealed record PlannedCopy(string CopySource, string Key, long SizeBytes)
{
    public static PlannedCopy Of(S3Uri source, string key, long sizeBytes) => new(CopySourceOf(source), key, sizeBytes);

    /// <summary>CopyObject's source: bucket/key with the key's segments URL-encoded.</summary>
    public static string CopySourceOf(S3Uri source) =>
        $"{source.Bucket}/{string.Join('/', source.Key.Split('/').Select(Uri.EscapeDataString))}";

    public JsonObject ToJson() => new() { ["copySource"] = CopySource, ["key"] = Key };
}

/// <summary>
/// What the promotion copies into the target stage and how the promoted package names it: the ONNX model, the
/// acceptance document and archive and each container's model archive go to <see cref="PromotedArtifactLayout"/>'s
/// folder of the digest; the package's metadata and inference specification are rewritten to those copies (and to
/// the stage's own training image), so nothing in the promoted package points at the source account. Pure: the
/// caller has read the sizes and digests.
/// </summary>
public static class PromotionPlan
{
    /// <summary>Inputs of the plan; <paramref name="ModelDataSizes"/> holds the size of each container's ModelDataUrl, by URI.</summary>
    public sealed record Inputs(
        string OnnxSha256,
        S3Uri Onnx,
        long OnnxSizeBytes,
        JsonObject Metadata,
        JsonObject? InferenceSpecification,
        string TargetBucket,
        string TargetImageUri,
        string SourceModelPackageArn,
        (S3Uri Set, long SetBytes, S3Uri Archive, long ArchiveBytes, string ArchiveSha256)? Acceptance,
        IReadOnlyDictionary<string, long> ModelDataSizes);

    /// <summary>The copies, the promoted package's metadata and inference specification; or the reason nothing can be promoted.</summary>
    public sealed record Result(IReadOnlyList<PlannedCopy> Copies, JsonObject Metadata, JsonObject InferenceSpecification, string? Refusal)
    {
        public JsonObject ToJson() => new()
        {
            ["copies"] = new JsonArray([.. Copies.Select(c => (JsonNode)c.ToJson())]),
            ["metadata"] = Metadata,
            ["inferenceSpecification"] = InferenceSpecification,
        };
    }

    /// <summary>The containers' model archives, as the source package names them (<c>InferenceSpecification.Containers[].ModelDataUrl</c>).</summary>
    public static IReadOnlyList<string> ModelDataUrls(JsonObject? inferenceSpecification) =>
        [.. (inferenceSpecification?["Containers"] as JsonArray ?? [])
            .Select(c => c?["ModelDataUrl"] is JsonValue v && v.TryGetValue<string>(out var url) ? url : null)
            .OfType<string>()];

    public static Result Build(Inputs inputs)
    {
        var sha = inputs.OnnxSha256;
        var copies = new List<PlannedCopy> { PlannedCopy.Of(inputs.Onnx, PromotedArtifactLayout.ModelKey(sha), inputs.OnnxSizeBytes) };
        var metadata = inputs.Metadata.DeepClone().AsObject();
        metadata[ModelPackageMetadata.OnnxModelUri] = new S3Uri(inputs.TargetBucket, PromotedArtifactLayout.ModelKey(sha)).ToString();
        metadata[ModelPackageMetadata.OnnxSha256] = sha;
        metadata[ModelPackageMetadata.OriginModelPackageArn] =
            Text(inputs.Metadata, ModelPackageMetadata.OriginModelPackageArn) ?? inputs.SourceModelPackageArn;

        if (inputs.Acceptance is { } acceptance)
        {
            copies.Add(PlannedCopy.Of(acceptance.Set, PromotedArtifactLayout.AcceptanceSetKey(sha), acceptance.SetBytes));
            copies.Add(PlannedCopy.Of(acceptance.Archive, PromotedArtifactLayout.AcceptanceArchiveKey(sha), acceptance.ArchiveBytes));
            metadata[ModelPackageMetadata.AcceptanceSetUri] = new S3Uri(inputs.TargetBucket, PromotedArtifactLayout.AcceptanceSetKey(sha)).ToString();
            metadata[ModelPackageMetadata.AcceptanceArchiveSha256] = acceptance.ArchiveSha256;
        }

        var specification = inputs.InferenceSpecification?.DeepClone().AsObject() ?? [];
        var containers = specification["Containers"] as JsonArray ?? [];
        if (containers.Count == 0)
        {
            return Refuse("the package has no inference specification container to register the promoted copy with");
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i]!.AsObject();
            // The image is only for SageMaker hosting (the edge never runs it): the stage's own build of the same
            // Dockerfile, so no stage pulls from another account's repository.
            container["Image"] = inputs.TargetImageUri;
            if (container["ModelDataUrl"] is JsonValue url && url.TryGetValue<string>(out var text))
            {
                if (!S3Uri.TryParse(text, out var source, out var error))
                {
                    return Refuse($"container {i}'s ModelDataUrl cannot be copied: {error}");
                }

                var key = PromotedArtifactLayout.ModelDataKey(sha, i);
                copies.Add(PlannedCopy.Of(source, key, inputs.ModelDataSizes.TryGetValue(text, out var size) ? size : 0));
                container["ModelDataUrl"] = new S3Uri(inputs.TargetBucket, key).ToString();
            }
        }

        if (copies.FirstOrDefault(c => c.SizeBytes > PromotedArtifactLayout.MaxCopyBytes) is { } tooLarge)
        {
            return Refuse($"{tooLarge.CopySource} has {tooLarge.SizeBytes} bytes, more than the {PromotedArtifactLayout.MaxCopyBytes} bytes one CopyObject can copy");
        }

        return new Result(copies, metadata, specification, null);

        static Result Refuse(string reason) => new([], [], [], reason);
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
