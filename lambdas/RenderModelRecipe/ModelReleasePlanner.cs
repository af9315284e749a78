using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Contracts.Training;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Checks that a model package can be deployed to devices and plans its release. A package is deployable when it
/// is Approved, has a version, an <c>s3://…/*.onnx</c> model artifact, and the metadata the component needs in
/// <c>CustomerMetadataProperties</c> (keys in <see cref="ModelPackageMetadata"/>): <c>imageSize</c> (an integer,
/// 32–4096, a multiple of 32) and <c>classNames</c> (names separated by <c>/</c>, as the training pipeline writes
/// them; commas or a JSON array are accepted from packages registered by other means).
/// The ONNX artifact is metadata <c>onnxModelUri</c> (what the training pipeline registers: ModelDataUrl is then
/// SageMaker's model.tar.gz), else an <c>*.onnx</c> ModelDataUrl in the inference specification.
/// Every problem is reported, not just the first.
/// </summary>
public static partial class ModelReleasePlanner
{
    public const string ImageSizeKey = ModelPackageMetadata.ImageSize;
    public const string ClassNamesKey = ModelPackageMetadata.ClassNames;
    public const string OnnxModelUriKey = ModelPackageMetadata.OnnxModelUri;
    public const string AcceptanceSetUriKey = ModelPackageMetadata.AcceptanceSetUri;

    public static ModelReleaseDecision Plan(RenderModelRecipeRequest request)
    {
        var package = request.ModelPackage;
        var problems = new List<string>();
        var arn = Text(package, "ModelPackageArn");
        var group = Text(package, "ModelPackageGroupName");
        if (arn is null)
        {
            problems.Add("ModelPackageArn is missing");
        }

        if (group is null)
        {
            problems.Add("ModelPackageGroupName is missing");
        }

        var status = Text(package, "ModelApprovalStatus");
        if (status != "Approved")
        {
            problems.Add($"ModelApprovalStatus must be Approved, got {status ?? "nothing"}");
        }

        var version = package["ModelPackageVersion"] is JsonValue v && v.TryGetValue<int>(out var number) ? number : 0;
        if (version < 1)
        {
            problems.Add("ModelPackageVersion is missing (only versioned packages of a group can be deployed)");
        }

        var metadata = package["CustomerMetadataProperties"] as JsonObject;
        var source = FindOnnxArtifact(package, metadata, problems);
        var imageSize = ReadImageSize(metadata, problems);
        var classNames = ReadClassNames(metadata, problems);
        var acceptanceSet = ReadAcceptanceSetUri(metadata, problems);

        if (problems.Count > 0)
        {
            return new ModelReleaseDecision(null, problems);
        }

        var componentVersion = ModelComponentVersion.FromModelPackageVersion(version, request.Attempt);
        var artifactKey = $"models/{group}/{version}/{ModelRecipe.ModelFileName}";
        var artifactUri = new S3Uri(request.ArtifactsBucket, artifactKey).ToString();
        var archive = acceptanceSet is null ? null : ArchiveCopy(acceptanceSet, request.ArtifactsBucket, $"models/{group}/{version}/{AcceptanceSet.ArchiveFileName}");
        var shadow = ShadowRelease.Plan(request.DeployedRecord, request.ArtifactsBucket, group!, version);
        var recipe = ModelRecipe.Render(request.ModelComponentName, componentVersion, artifactUri, arn!, group!, version, imageSize!.Value, classNames!,
            archive?.Uri, shadow?.ArtifactUri, shadow is null ? null : (shadow.CurrentComponentVersion, shadow.CurrentModelPackageVersion));
        return new ModelReleaseDecision(
            new ModelRelease(arn!, group!, version, request.ModelComponentName, componentVersion, source!.Value.CopySource, artifactKey, artifactUri, imageSize.Value, classNames!, recipe)
            {
                AcceptanceSetUri = acceptanceSet,
                AcceptanceArchive = archive,
                Shadow = shadow,
                Lineage = ReleaseLineage.From(metadata),
            },
            []);
    }

    private static (string Bucket, string Key, string CopySource)? FindOnnxArtifact(JsonObject package, JsonObject? metadata, List<string> problems)
    {
        var onnx = metadata is null ? null : Text(metadata, OnnxModelUriKey);
        if (onnx is not null && !onnx.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"metadata {OnnxModelUriKey} must be an s3://…/*.onnx URI, got {onnx}");
            return null;
        }

        if (onnx is null)
        {
            var urls = (package["InferenceSpecification"]?["Containers"] as JsonArray ?? [])
                .Select(c => c?["ModelDataUrl"] is JsonValue u && u.TryGetValue<string>(out var s) ? s : null)
                .Where(u => !string.IsNullOrEmpty(u))
                .ToList();
            if (urls.Count == 0)
            {
                problems.Add($"the model package has no model artifact (metadata {OnnxModelUriKey} or InferenceSpecification.Containers[].ModelDataUrl)");
                return null;
            }

            onnx = urls.FirstOrDefault(u => u!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase));
            if (onnx is null)
            {
                problems.Add($"the model package has no ONNX artifact: expected metadata {OnnxModelUriKey} or an s3://…/*.onnx ModelDataUrl, got {string.Join(", ", urls)}");
                return null;
            }
        }

        if (!S3Uri.TryParse(onnx, out var location, out var error))
        {
            problems.Add($"the ONNX artifact: {error}");
            return null;
        }

        var encodedKey = string.Join('/', location.Key.Split('/').Select(Uri.EscapeDataString));
        return (location.Bucket, location.Key, $"{location.Bucket}/{encodedKey}");
    }

    private static int? ReadImageSize(JsonObject? metadata, List<string> problems)
    {
        var text = metadata is null ? null : Text(metadata, ImageSizeKey);
        if (text is null)
        {
            problems.Add($"metadata {ImageSizeKey} is missing (CustomerMetadataProperties.{ImageSizeKey})");
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 32 or > 4096 || size % 32 != 0)
        {
            problems.Add($"metadata {ImageSizeKey} must be an integer from 32 to 4096 and a multiple of 32, got '{text}'");
            return null;
        }

        return size;
    }

    private static IReadOnlyList<string>? ReadClassNames(JsonObject? metadata, List<string> problems)
    {
        var text = metadata is null ? null : Text(metadata, ClassNamesKey);
        if (text is null)
        {
            problems.Add($"metadata {ClassNamesKey} is missing (CustomerMetadataProperties.{ClassNamesKey})");
            return null;
        }

        List<string> names;
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                names = JsonSerializer.Deserialize<List<string>>(text) ?? [];
            }
            catch (JsonException)
            {
                problems.Add($"metadata {ClassNamesKey} starts like a JSON array but is not a list of strings: '{text}'");
                return null;
            }
        }
        else
        {
            // SageMaker forbids commas in metadata values, so the training pipeline joins with '/'.
            names = text.Split([',', ModelPackageMetadata.ClassNameSeparator]).Select(n => n.Trim()).ToList();
        }

        if (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"metadata {ClassNamesKey} must name at least one class and no empty ones, got '{text}'");
            return null;
        }

        // The names reach the inference component on its command line (the recipe's lifecycle script, in double
        // quotes, comma-separated): only the characters SageMaker metadata allows, which need no quoting there.
        var unsafeNames = names.Where(n => !ClassNamePattern().IsMatch(n)).ToList();
        if (unsafeNames.Count > 0)
        {
            problems.Add($"metadata {ClassNamesKey} may hold only letters, digits, spaces and _ . : = + - @ in a class name, got '{string.Join("', '", unsafeNames)}'");
            return null;
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            problems.Add($"metadata {ClassNamesKey} names a class twice: '{text}'");
            return null;
        }

        return names;
    }

    // Optional: packages registered before acceptance sets existed (or by other means) have none.
    private static string? ReadAcceptanceSetUri(JsonObject? metadata, List<string> problems)
    {
        var uri = metadata is null ? null : Text(metadata, AcceptanceSetUriKey);
        if (uri is not null && (!uri.StartsWith("s3://", StringComparison.Ordinal) || uri.IndexOf('/', 5) < 6 ||
            AcceptanceSet.ArchiveUri(uri) is null || !S3Uri.TryParse(uri, out _, out _)))
        {
            // The archive the model component ships, acceptance.zip, is found beside the set's folder.
            problems.Add($"metadata {AcceptanceSetUriKey} must be an s3://bucket/…/{AcceptanceSet.DevicePath} URI, got {uri}");
            return null;
        }

        return uri;
    }

    private static AcceptanceArchiveCopy ArchiveCopy(string setUri, string artifactsBucket, string key)
    {
        S3Uri.TryParse(AcceptanceSet.ArchiveUri(setUri)!, out var source, out _);
        var encodedKey = string.Join('/', source.Key.Split('/').Select(Uri.EscapeDataString));
        return new AcceptanceArchiveCopy($"{source.Bucket}/{encodedKey}", key, new S3Uri(artifactsBucket, key).ToString());
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:=+\-@]+$")]
    private static partial System.Text.RegularExpressions.Regex ClassNamePattern();
}
