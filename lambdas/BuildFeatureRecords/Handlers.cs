using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.BuildFeatureRecords;

/// <summary>
/// <c>BuildFeatureRecords::EdgeMlOps.Labeling.BuildFeatureRecords.BuildHandler::HandleAsync</c>: reads the output
/// manifest, writes the feature records in chunks under <c>&lt;RECORDS_PREFIX&gt;&lt;labeling job&gt;/chunks/</c>.
/// </summary>
public static class BuildHandler
{
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await S3Json.ReadRequestAsync<BuildRequest>(input).ConfigureAwait(false);
        using var s3 = S3ClientFactory.Create();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return LambdaJson.ToStream(await RunAsync(s3, BuildSettings.FromEnvironment(), request, now).ConfigureAwait(false));
    }

    public static async Task<BuildResult> RunAsync(IAmazonS3 s3, BuildSettings settings, BuildRequest request, double eventTime, CancellationToken cancellationToken = default)
    {
        var manifest = S3Uri.Parse(request.OutputManifestUri);
        var options = new OutputManifestOptions(
            settings.LabelAttributeName,
            request.Verified ? settings.VerificationAttributeName : null,
            settings.ApprovingVerificationClass,
            settings.ClassCount,
            $"labeling-job/{request.LabelingJobName}",
            eventTime);
        var skipped = new SkipTally();
        IReadOnlyList<LabelRecord> labels;
        using (var response = await s3.GetObjectAsync(manifest.Bucket, manifest.Key, cancellationToken).ConfigureAwait(false))
        using (var reader = new StreamReader(response.ResponseStream, Encoding.UTF8))
        {
            labels = OutputManifestReader.Read(reader, options, skipped);
        }

        var runPrefix = $"{settings.RecordsPrefix}{request.LabelingJobName}/";
        var keys = new List<string>();
        var chunks = RecordChunker.Chunk(labels, settings.ChunkSize);
        for (var i = 0; i < chunks.Count; i++)
        {
            var key = $"{runPrefix}chunks/chunk-{i.ToString("D5", CultureInfo.InvariantCulture)}.json";
            await S3Json.PutAsync(s3, settings.Bucket, key, chunks[i], cancellationToken).ConfigureAwait(false);
            keys.Add(key);
        }

        return new BuildResult(
            runPrefix,
            keys,
            labels.Count,
            labels.Count(l => l.Status == LabelStatus.Approved),
            labels.Count(l => l.Status == LabelStatus.Rejected),
            skipped.ToReport());
    }
}

/// <summary><c>...LoadChunkHandler::HandleAsync</c>: returns the records of one chunk for the inner Map state.</summary>
public static class LoadChunkHandler
{
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await S3Json.ReadRequestAsync<LoadChunkRequest>(input).ConfigureAwait(false);
        using var s3 = S3ClientFactory.Create();
        return LambdaJson.ToStream(await RunAsync(s3, LambdaEnvironment.Required("DATA_BUCKET"), request).ConfigureAwait(false));
    }

    public static Task<FeatureRecordChunk> RunAsync(IAmazonS3 s3, string bucket, LoadChunkRequest request, CancellationToken cancellationToken = default) =>
        S3Json.GetAsync<FeatureRecordChunk>(s3, bucket, request.ChunkKey, cancellationToken);
}

/// <summary><c>...ChunkOutcomeHandler::HandleAsync</c>: stores the put outcomes of one chunk and returns its counts.</summary>
public static class ChunkOutcomeHandler
{
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await S3Json.ReadRequestAsync<ChunkOutcomeRequest>(input).ConfigureAwait(false);
        using var s3 = S3ClientFactory.Create();
        return LambdaJson.ToStream(await RunAsync(s3, LambdaEnvironment.Required("DATA_BUCKET"), request).ConfigureAwait(false));
    }

    public static async Task<ChunkOutcomeResult> RunAsync(IAmazonS3 s3, string bucket, ChunkOutcomeRequest request, CancellationToken cancellationToken = default)
    {
        await S3Json.PutAsync(s3, bucket, RecordChunker.OutcomeKeyOf(request.ChunkKey), request.Results, cancellationToken).ConfigureAwait(false);
        var written = request.Results.Count(r => r.Written);
        return new ChunkOutcomeResult(written, request.Results.Count - written);
    }
}

/// <summary>
/// <c>...SummarizeHandler::HandleAsync</c>: adds up the outcome files of a run and writes every failed record to
/// <c>&lt;run&gt;/failures.json</c>, so no failure is dropped however many there are.
/// </summary>
public static class SummarizeHandler
{
    private const int ExampleCount = 10;

    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await S3Json.ReadRequestAsync<SummarizeRequest>(input).ConfigureAwait(false);
        using var s3 = S3ClientFactory.Create();
        return LambdaJson.ToStream(await RunAsync(s3, LambdaEnvironment.Required("DATA_BUCKET"), request).ConfigureAwait(false));
    }

    public static async Task<SummarizeResult> RunAsync(IAmazonS3 s3, string bucket, SummarizeRequest request, CancellationToken cancellationToken = default)
    {
        var written = 0;
        var failures = new List<PutOutcome>();
        var listing = new ListObjectsV2Request { BucketName = bucket, Prefix = $"{request.RunPrefix}outcomes/" };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(listing, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.S3Objects ?? [])
            {
                var outcomes = await S3Json.GetAsync<List<PutOutcome>>(s3, bucket, entry.Key, cancellationToken).ConfigureAwait(false);
                written += outcomes.Count(o => o.Written);
                failures.AddRange(outcomes.Where(o => !o.Written));
            }

            listing.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        string? failuresUri = null;
        if (failures.Count > 0)
        {
            var key = $"{request.RunPrefix}failures.json";
            await S3Json.PutAsync(s3, bucket, key, failures, cancellationToken).ConfigureAwait(false);
            failuresUri = new S3Uri(bucket, key).ToString();
        }

        return new SummarizeResult(written, failures.Count, failuresUri, failures.Take(ExampleCount).ToList());
    }
}
