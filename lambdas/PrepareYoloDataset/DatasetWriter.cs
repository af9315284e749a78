using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// The S3 side of the step: reads the labels CSV, lists which images exist, then copies images (server-side)
/// and writes label files below <c>images/&lt;split&gt;/</c> and <c>labels/&lt;split&gt;/</c>, and dataset.json last.
/// </summary>
public sealed class DatasetWriter
{
    private const int CopyConcurrency = 16;

    private readonly IAmazonS3 _s3;

    public DatasetWriter(IAmazonS3 s3)
    {
        _s3 = s3;
    }

    public async Task<PrepareResponse> PrepareAsync(PrepareRequest request, CancellationToken cancellationToken = default)
    {
        var labelsUri = S3Uri.Parse(request.LabelsCsvUri);
        string csv;
        try
        {
            using var response = await _s3.GetObjectAsync(labelsUri.Bucket, labelsUri.Key, cancellationToken);
            using var reader = new StreamReader(response.ResponseStream);
            csv = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new DatasetException($"the labels CSV {request.LabelsCsvUri} does not exist", new Dictionary<string, int>());
        }

        var rows = LabelsCsvReader.Read(csv);
        var existing = await ListExistingImagesAsync(DatasetPlanner.LatestApproved(rows), cancellationToken);
        var plan = DatasetPlanner.Plan(rows, existing.Contains, new DatasetOptions
        {
            ClassNames = request.ClassNames,
            Splitter = new DatasetSplitter(request.SplitSeed, request.ValidationPercent, request.TestPercent),
        });

        var output = S3Uri.Parse(request.OutputUri.TrimEnd('/') + "/");
        var prefix = output.Key;
        await Parallel.ForEachAsync(plan.Images, new ParallelOptions { MaxDegreeOfParallelism = CopyConcurrency, CancellationToken = cancellationToken }, async (image, ct) =>
        {
            var source = S3Uri.Parse(image.SourceUri);
            await _s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = source.Bucket,
                SourceKey = source.Key,
                DestinationBucket = output.Bucket,
                DestinationKey = $"{prefix}images/{image.SplitFolder}/{image.FileName}",
            }, ct);
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = output.Bucket,
                Key = $"{prefix}labels/{image.SplitFolder}/{image.LabelFileName}",
                ContentBody = image.LabelText,
                ContentType = "text/plain",
            }, ct);
        });

        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = output.Bucket,
            Key = $"{prefix}dataset.json",
            ContentBody = DatasetManifest.ToJson(plan, request),
            ContentType = "application/json",
        }, cancellationToken);
        return PrepareResponse.From(plan, output.ToString());
    }

    /// <summary>s3:// URIs of the objects in every folder a label points into (one listing per folder).</summary>
    private async Task<HashSet<string>> ListExistingImagesAsync(IEnumerable<LabelRecord> rows, CancellationToken cancellationToken)
    {
        var folders = rows
            .Select(r => S3Uri.TryParse(r.SourceRef, out var uri) ? (uri.Bucket, Key: uri.KeyFolder) : default)
            .Where(f => f.Bucket is not null)
            .Distinct()
            .ToList();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var request = new ListObjectsV2Request { BucketName = folder.Bucket, Prefix = folder.Key, Delimiter = "/" };
            ListObjectsV2Response page;
            do
            {
                page = await _s3.ListObjectsV2Async(request, cancellationToken);
                foreach (var item in page.S3Objects ?? [])
                {
                    existing.Add(new S3Uri(folder.Bucket, item.Key).ToString());
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
        }

        return existing;
    }
}
