using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Lambdas.PrepareYoloDataset;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

/// <summary>The dataset step against a local S3: labels.csv in, a YOLO dataset out.</summary>
public sealed class DatasetWriterTests : IClassFixture<LocalS3Fixture>
{
    private readonly S3rverServer _s3;

    public DatasetWriterTests(LocalS3Fixture s3)
    {
        _s3 = s3.Server;
    }

    [Fact]
    public async Task Writes_images_yolo_labels_and_a_manifest_per_split_and_reports_counts()
    {
        using var client = await SeedAsync("run-1", missingImage: null);
        var response = await new DatasetWriter(client).PrepareAsync(Request("run-1"));

        Assert.Equal("s3://artifacts-run-1/datasets/run-1/", response.DatasetUri);
        Assert.Equal(188, response.ImageCount);
        Assert.Equal(188, client.Copies);
        Assert.Equal(385, response.LabelCount);
        Assert.Equal(0, response.SkippedLabels);
        Assert.Equal(188, response.TrainImages + response.ValidationImages + response.TestImages);

        var keys = await ListAsync(client, "datasets/run-1/");
        Assert.Equal(188, keys.Count(k => k.Contains("/images/", StringComparison.Ordinal)));
        Assert.Equal(188, keys.Count(k => k.Contains("/labels/", StringComparison.Ordinal)));
        Assert.Equal(response.TestImages, keys.Count(k => k.StartsWith("datasets/run-1/images/test/", StringComparison.Ordinal)));

        // Hand-checked box of row 2 (see DatasetPlannerTests), found in whichever split the image went to.
        var label = keys.Single(k => k.EndsWith("/2021-01-28-09-50-34_bad_image-2020-04-22-10-55-52-04-cropped-left-bottom.txt", StringComparison.Ordinal));
        Assert.Equal("0 0.488889 0.520000 0.168889 0.473333\n", await ReadAsync(client, label));
        var image = keys.Single(k => k.EndsWith("/2021-01-28-09-50-34_bad_image-2020-04-22-10-55-52-04-cropped-left-bottom.jpg", StringComparison.Ordinal));
        Assert.Equal(label.Replace("/labels/", "/images/", StringComparison.Ordinal).Replace(".txt", ".jpg", StringComparison.Ordinal), image);
        Assert.Equal("jpeg:image-2020-04-22-10-55-52-04-cropped-left-bottom.jpg", await ReadAsync(client, image));

        var manifest = JsonNode.Parse(await ReadAsync(client, "datasets/run-1/dataset.json"))!;
        Assert.Equal("scratch", manifest["classNames"]![0]!.GetValue<string>());
        Assert.Equal(385, manifest["counts"]!["boxes"]!.GetValue<int>());
        Assert.Equal(4, manifest["counts"]!["backgroundImages"]!.GetValue<int>());
        Assert.Equal(response.SnapshotId, manifest["snapshotId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Counts_a_label_whose_image_is_not_in_the_bucket()
    {
        using var client = await SeedAsync("run-2", missingImage: "bad/image-2020-04-22-11-07-29-26-cropped-left-top.jpg");
        var response = await new DatasetWriter(client).PrepareAsync(Request("run-2"));
        Assert.Equal(187, response.ImageCount);
        Assert.Equal(1, response.SkippedLabels);
        var manifest = JsonNode.Parse(await ReadAsync(client, "datasets/run-2/dataset.json"))!;
        Assert.Equal(1, manifest["skipped"]![DatasetPlanner.ReasonImageMissing]!.GetValue<int>());
    }

    [Fact]
    public async Task Fails_with_a_clear_reason_and_writes_nothing_if_the_labels_csv_is_missing()
    {
        using var client = await SeedAsync("run-3", missingImage: null);
        var request = Request("run-3") with { LabelsCsvUri = "s3://artifacts-run-3/athena-results/none.csv" };
        var error = await Assert.ThrowsAsync<DatasetException>(() => new DatasetWriter(client).PrepareAsync(request));
        Assert.Contains("none.csv does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(client, "datasets/run-3/"));
    }

    private static PrepareRequest Request(string runId) => new()
    {
        LabelsCsvUri = $"s3://artifacts-{runId}/athena-results/labels.csv",
        OutputUri = $"s3://artifacts-{runId}/datasets/{runId}",
        ClassNames = ["scratch"],
        SplitSeed = 42,
        ValidationPercent = 15,
        TestPercent = 15,
    };

    private static string ArtifactsBucket(string runId) => $"artifacts-{runId}";

    private async Task<CopyAsGetPutClient> SeedAsync(string runId, string? missingImage)
    {
        var dataBucket = $"data-{runId}";
        await _s3.CreateBucketsAsync(dataBucket, ArtifactsBucket(runId));
        var client = new CopyAsGetPutClient(_s3.EndpointUrl);
        var csv = LabelsCsv.Text(dataBucket);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = ArtifactsBucket(runId), Key = "athena-results/labels.csv", ContentBody = csv });

        // Image content does not matter to the step (it copies objects); a marker makes the copy checkable.
        var keys = LabelsRows(csv).Select(r => DatasetPlanner.TryObjectKey(r.SourceRef, out var key) ? key : throw new InvalidOperationException(r.SourceRef));
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
        {
            if (missingImage is null || !key.EndsWith(missingImage, StringComparison.Ordinal))
            {
                await client.PutObjectAsync(new PutObjectRequest { BucketName = dataBucket, Key = key, ContentBody = "jpeg:" + Path.GetFileName(key) }, ct);
            }
        });
        return client;
    }

    private static IReadOnlyList<LabelRecord> LabelsRows(string csv) => LabelsCsvReader.Read(csv);

    private static async Task<List<string>> ListAsync(IAmazonS3 client, string prefix)
    {
        var keys = new List<string>();
        var runId = prefix.Split('/')[1];
        var request = new ListObjectsV2Request { BucketName = ArtifactsBucket(runId), Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    private static async Task<string> ReadAsync(IAmazonS3 client, string key)
    {
        using var response = await client.GetObjectAsync(ArtifactsBucket(key.Split('/')[1]), key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }
}
