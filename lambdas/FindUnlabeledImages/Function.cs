using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>
/// Lambda handler <c>FindUnlabeledImages::EdgeMlOps.Labeling.FindUnlabeledImages.Function::HandleAsync</c>: lists
/// what is new under the scanned prefixes since the last run (<see cref="IncrementalImageScan"/>), adds the new images
/// to the remembered backlog, drops those whose latest label is APPROVED, caps the batch, writes the Ground Truth
/// input manifest and the scan state, and returns the manifest URI with counts.
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

    public static Task<FindUnlabeledImagesResult> RunAsync(IAmazonS3 s3, FindUnlabeledImagesSettings settings, FindUnlabeledImagesRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(s3, new S3ObjectLister(s3), settings, request, cancellationToken);

    /// <summary>The run with the listing given separately (a test or the scale benchmark lists an in-memory bucket).</summary>
    public static async Task<FindUnlabeledImagesResult> RunAsync(
        IAmazonS3 s3, IObjectLister lister, FindUnlabeledImagesSettings settings, FindUnlabeledImagesRequest request, CancellationToken cancellationToken = default)
    {
        var skipped = new SkipTally();
        var state = await ReadStateAsync(s3, settings, cancellationToken).ConfigureAwait(false);
        var scan = await new IncrementalImageScan(lister, s3)
            .ScanAsync(settings.Bucket, settings.ScanPrefixes, settings.CapturePrefix, state.Positions, skipped, cancellationToken)
            .ConfigureAwait(false);

        // The backlog: every image seen and not yet APPROVED (the remembered ones plus what is new), one entry per key.
        var pending = new Dictionary<string, ImageObject>(StringComparer.Ordinal);
        foreach (var image in state.Pending)
        {
            pending[new ImageObject(settings.Bucket, image.Key, image.LastModified).SourceRef] = new ImageObject(settings.Bucket, image.Key, image.LastModified);
        }

        foreach (var image in scan.Images)
        {
            pending[image.SourceRef] = image;
        }

        var approved = 0;
        if (request.LabelHistoryUri is not null)
        {
            var location = S3Uri.Parse(request.LabelHistoryUri);
            using var response = await s3.GetObjectAsync(location.Bucket, location.Key, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
            LabelHistory.ForEachApproved(reader, skipped, sourceRef =>
            {
                if (pending.Remove(sourceRef))
                {
                    approved++;
                }
            });
        }

        var selection = UnlabeledImageSelector.Select(pending.Values, new HashSet<string>(), settings.MaxImagesPerJob);
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

        // Written last: a run that failed before here lists the same objects again next time, nothing is lost.
        var newState = new ScanState(scan.Positions, [.. pending.Values.Select(i => new PendingImage(i.Key, i.LastModified))]);
        await S3Json.PutAsync(s3, settings.Bucket, settings.ScanStateKey, newState, cancellationToken).ConfigureAwait(false);

        return new FindUnlabeledImagesResult(
            manifestUri,
            selection.Selected.Count,
            selection.UnlabeledCount,
            selection.DeferredCount,
            approved,
            settings.ScanPrefixes,
            names.Labeling,
            names.Verification,
            skipped.ToReport())
        {
            ListedObjectCount = scan.ListedObjectCount,
            SidecarCount = scan.SidecarCount,
            DeviceFolderCount = scan.DeviceFolderCount,
        };
    }

    private static async Task<ScanState> ReadStateAsync(IAmazonS3 s3, FindUnlabeledImagesSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await S3Json.GetAsync<ScanState>(s3, settings.Bucket, settings.ScanStateKey, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return ScanState.Empty; // the first run
        }
    }
}
