using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>
/// Lambda handler <c>FindUnlabeledImages::EdgeMlOps.Labeling.FindUnlabeledImages.Function::HandleAsync</c>: lists the
/// scanned prefixes, drops images whose latest label is APPROVED, caps the batch, writes the Ground Truth input
/// manifest and returns its URI with counts.
/// </summary>
public static class Function
{
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await JsonSerializer.DeserializeAsync<FindUnlabeledImagesRequest>(input, LambdaJson.Options).ConfigureAwait(false)
            ?? throw new ArgumentException("The input is null");
        using var s3 = S3ClientFactory.Create();
        var result = await RunAsync(s3, FindUnlabeledImagesSettings.FromEnvironment(), request).ConfigureAwait(false);
        return LambdaJson.ToStream(result);
    }

    public static async Task<FindUnlabeledImagesResult> RunAsync(IAmazonS3 s3, FindUnlabeledImagesSettings settings, FindUnlabeledImagesRequest request, CancellationToken cancellationToken = default)
    {
        var skipped = new SkipTally();
        var approved = request.LabelHistoryUri is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : await ReadLabelHistoryAsync(s3, S3Uri.Parse(request.LabelHistoryUri), skipped, cancellationToken).ConfigureAwait(false);
        var images = await new ImageCatalog(s3).ListAsync(settings.Bucket, settings.ScanPrefixes, skipped, cancellationToken).ConfigureAwait(false);
        var selection = UnlabeledImageSelector.Select(images, approved, settings.MaxImagesPerJob);
        var names = LabelingJobNames.For(settings.JobNamePrefix, request.ExecutionId, request.ExecutionStartTime);

        string? manifestUri = null;
        if (selection.Selected.Count > 0)
        {
            var manifest = new S3Uri(settings.Bucket, $"{settings.ManifestPrefix}{names.Labeling}/input.manifest");
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = manifest.Bucket,
                Key = manifest.Key,
                ContentBody = InputManifest.Write(selection.Selected),
                ContentType = "application/x-ndjson",
            }, cancellationToken).ConfigureAwait(false);
            manifestUri = manifest.ToString();
        }

        return new FindUnlabeledImagesResult(
            manifestUri,
            selection.Selected.Count,
            selection.UnlabeledCount,
            selection.DeferredCount,
            selection.AlreadyApprovedCount,
            settings.ScanPrefixes,
            names.Labeling,
            names.Verification,
            skipped.ToReport());
    }

    private static async Task<IReadOnlySet<string>> ReadLabelHistoryAsync(IAmazonS3 s3, S3Uri location, SkipTally skipped, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(location.Bucket, location.Key, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return LabelHistory.ReadApprovedSourceRefs(reader, skipped);
    }
}
