using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.BuildFeatureRecords;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Labeling.FindUnlabeledImages;
using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>The labeling Lambdas against a real S3-compatible server (s3rver) through AWSSDK.S3.</summary>
public sealed class S3LambdaTests : IClassFixture<S3Fixture>
{
    private static readonly byte[] JpegHead = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46];
    private readonly S3rverServer _server;

    public S3LambdaTests(S3Fixture fixture)
    {
        _server = fixture.Server;
    }

    private static async Task PutAsync(IAmazonS3 s3, string bucket, string key, byte[] body)
    {
        using var stream = new MemoryStream(body);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = stream });
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Finds_unlabeled_images_across_both_prefixes_over_many_pages_and_writes_the_manifest()
    {
        const string bucket = "find-many";
        await _server.CreateBucketsAsync(bucket);
        using var s3 = _server.CreateClient();
        // 1,050 incoming images: ListObjectsV2 returns at most 1,000 per page.
        await Parallel.ForEachAsync(Enumerable.Range(0, 1050), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await PutAsync(s3, bucket, $"images/incoming/img-{i:D4}.jpg", JpegHead));
        await PutAsync(s3, bucket, "images/captured/device-1/cap-1.jpg", JpegHead);
        await PutAsync(s3, bucket, "images/captured/device-1/cap-2.jpg_0", JpegHead);   // JPEG content, odd name
        await PutAsync(s3, bucket, "images/captured/device-1/notes.txt", "not an image"u8.ToArray());
        await PutAsync(s3, bucket, "images/captured/device-1/empty.jpg", []);
        await PutAsync(s3, bucket, "images/other/ignored.jpg", JpegHead);                 // not a scanned prefix
        // Label history (the Athena result): two images already APPROVED, one garbage row.
        await PutAsync(s3, bucket, "labeling/athena-results/q1.csv", Encoding.UTF8.GetBytes(
            "\"source_ref\"\n\"s3://find-many/images/incoming/img-0000.jpg\"\n\"s3://find-many/images/captured/device-1/cap-1.jpg\"\n\"garbage\"\n"));

        var settings = new FindUnlabeledImagesSettings(bucket, ["images/incoming/", "images/captured/"], "labeling/manifests/", 2000, "edgemlops-dev");
        var request = new FindUnlabeledImagesRequest("arn:aws:states:us-east-1:1:execution:sm:e1", DateTimeOffset.UnixEpoch, $"s3://{bucket}/labeling/athena-results/q1.csv");
        var result = await Function.RunAsync(s3, settings, request);

        Assert.Equal(1050 - 1 + 1, result.ImageCount);  // incoming minus one approved, plus the sniffed .jpg_0
        Assert.Equal(2, result.AlreadyApprovedCount);
        Assert.Equal(0, result.DeferredCount);
        Assert.Equal(3, result.Skipped.Count);
        Assert.Equal(1, result.Skipped.Reasons[SkipReasons.UnsupportedImage]);
        Assert.Equal(1, result.Skipped.Reasons[SkipReasons.EmptyObject]);
        Assert.Equal(1, result.Skipped.Reasons[SkipReasons.MalformedLabelHistoryRow]);

        var manifestKey = S3Uri.Parse(result.ManifestUri!).Key;
        Assert.Equal($"labeling/manifests/{result.LabelingJobName}/input.manifest", manifestKey);
        var lines = (await ReadAsync(s3, bucket, manifestKey)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(result.ImageCount, lines.Length);
        Assert.Contains("{\"source-ref\":\"s3://find-many/images/captured/device-1/cap-2.jpg_0\"}", lines);
        Assert.Contains("{\"source-ref\":\"s3://find-many/images/incoming/img-1049.jpg\"}", lines);
        Assert.DoesNotContain(lines, l => l.Contains("img-0000.jpg", StringComparison.Ordinal) || l.Contains("other/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_devices_capture_sidecar_is_passed_over_without_counting_as_skipped()
    {
        const string bucket = "find-captures";
        await _server.CreateBucketsAsync(bucket);
        using var s3 = _server.CreateClient();
        var capturedAt = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var image = CaptureLayout.ImageKey(CaptureLayout.DefaultPrefix, "cam-1", capturedAt, "ab12");
        await PutAsync(s3, bucket, image, JpegHead);
        await PutAsync(s3, bucket, CaptureLayout.SidecarKey(CaptureLayout.DefaultPrefix, "cam-1", capturedAt, "ab12"), "{\"reason\": \"uncertain\"}"u8.ToArray());

        var settings = new FindUnlabeledImagesSettings(bucket, [CaptureLayout.DefaultPrefix], "labeling/manifests/", 10, "edgemlops-dev");
        var result = await Function.RunAsync(s3, settings, new FindUnlabeledImagesRequest("e-captures", DateTimeOffset.UnixEpoch, null));

        Assert.Equal(1, result.ImageCount);
        Assert.Equal(0, result.Skipped.Count);
        Assert.Equal($"{{\"source-ref\":\"s3://{bucket}/{image}\"}}", (await ReadAsync(s3, bucket, S3Uri.Parse(result.ManifestUri!).Key)).Trim());
    }

    [Fact]
    public async Task Caps_the_batch_and_writes_no_manifest_when_nothing_is_left()
    {
        const string bucket = "find-cap";
        await _server.CreateBucketsAsync(bucket);
        using var s3 = _server.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await PutAsync(s3, bucket, $"images/incoming/{i}.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        }

        var settings = new FindUnlabeledImagesSettings(bucket, ["images/incoming/", "images/captured/"], "labeling/manifests/", 2, "edgemlops-dev");
        var capped = await Function.RunAsync(s3, settings, new FindUnlabeledImagesRequest("e-cap", DateTimeOffset.UnixEpoch, null));
        Assert.Equal(2, capped.ImageCount);
        Assert.Equal(3, capped.DeferredCount);

        var empty = await Function.RunAsync(s3, settings with { ScanPrefixes = ["images/captured/"] }, new FindUnlabeledImagesRequest("e-empty", DateTimeOffset.UnixEpoch, null));
        Assert.Equal(0, empty.ImageCount);
        Assert.Null(empty.ManifestUri);
    }

    [Fact]
    public async Task Builds_record_chunks_loads_them_and_summarizes_outcomes()
    {
        const string bucket = "records";
        await _server.CreateBucketsAsync(bucket);
        using var s3 = _server.CreateClient();
        var lines = new StringBuilder();
        for (var i = 0; i < 5; i++)
        {
            lines.Append("{\"source-ref\":\"s3://records/images/incoming/").Append(i).Append(".jpg\",\"label\":{\"image_size\":[{\"width\":450,\"height\":300,\"depth\":3}],\"annotations\":[{\"class_id\":0,\"left\":1,\"top\":2,\"width\":3,\"height\":4}]},")
                .Append("\"label-verification\":").Append(i == 4 ? 1 : 0).Append(",\"label-verification-metadata\":{\"class-name\":\"").Append(i == 4 ? "incorrect" : "correct").Append("\"}}\n");
        }

        lines.Append("this is not json\n");
        await PutAsync(s3, bucket, "labeling/output/job/manifests/output/output.manifest", Encoding.UTF8.GetBytes(lines.ToString()));
        var settings = new BuildSettings(bucket, "labeling/feature-records/", "label", "label-verification", "correct", 1, 2);

        var built = await BuildHandler.RunAsync(s3, settings, new BuildRequest("s3://records/labeling/output/job/manifests/output/output.manifest", true, "job"), 1700000000);
        Assert.Equal(3, built.ChunkKeys.Count);
        Assert.Equal((5, 4, 1, 1), (built.RecordCount, built.ApprovedCount, built.RejectedCount, built.Skipped.Count));

        var chunk = await LoadChunkHandler.RunAsync(s3, bucket, new LoadChunkRequest(built.ChunkKeys[0]));
        Assert.Equal(2, chunk.Records.Count);
        Assert.Equal(LabelStatus.Approved, FeatureRecordCodec.FromFeatureValues(chunk.Records[0].Record).Status);

        foreach (var key in built.ChunkKeys)
        {
            var records = (await LoadChunkHandler.RunAsync(s3, bucket, new LoadChunkRequest(key))).Records;
            var outcomes = records.Select(r => r.SourceRef.EndsWith("3.jpg", StringComparison.Ordinal)
                ? new PutOutcome(r.SourceRef, false, "SageMakerFeatureStoreRuntime.ValidationError", "bad")
                : new PutOutcome(r.SourceRef, true, null, null)).ToList();
            await ChunkOutcomeHandler.RunAsync(s3, bucket, new ChunkOutcomeRequest(key, outcomes));
        }

        var summary = await SummarizeHandler.RunAsync(s3, bucket, new SummarizeRequest(built.RunPrefix));
        Assert.Equal((4, 1), (summary.WrittenCount, summary.FailedCount));
        Assert.Equal("s3://records/images/incoming/3.jpg", Assert.Single(summary.FailureExamples).SourceRef);
        Assert.Contains("3.jpg", await ReadAsync(s3, bucket, S3Uri.Parse(summary.FailuresUri!).Key));
    }
}
