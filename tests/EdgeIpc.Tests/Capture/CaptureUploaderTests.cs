using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.Greengrass;

namespace EdgeIpc.Tests.Capture;

/// <summary>The uploader against a real S3-compatible server (s3rver), including outages and restarts.</summary>
public sealed class CaptureUploaderTests : IAsyncLifetime
{
    private const string Bucket = "labeling-captures";
    private const string Prefix = CaptureLayout.DefaultPrefix;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly S3rverServer _s3 = new();
    private readonly TempFolder _folder = new();
    private AmazonS3Client _client = null!;

    public async Task InitializeAsync()
    {
        await _s3.StartAsync();
        await _s3.CreateBucketsAsync(Bucket);
        // No SDK retries: the uploader's own backoff is what is under test.
        _client = _s3.CreateClient(c => { c.MaxErrorRetry = 0; c.Timeout = TimeSpan.FromSeconds(5); });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _s3.DisposeAsync();
        _folder.Dispose();
    }

    private CaptureSpool OpenSpool(int maxEntries = 100) =>
        CaptureSpool.Open(new CaptureSpoolOptions { Directory = _folder.File("spool"), MaxEntries = maxEntries });

    private CaptureUploader Uploader(CaptureSpool spool) => new(spool, _client, new CaptureUploaderOptions
    {
        BucketName = Bucket,
        CapturePrefix = Prefix,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromMilliseconds(500),
        IdlePollInterval = TimeSpan.FromMilliseconds(200),
    });

    private async Task<List<string>> KeysAsync()
    {
        var listing = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix });
        return [.. (listing.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    private static async Task DrainAsync(CaptureSpool spool, CaptureUploader uploader, Func<Task>? whileRunning = null)
    {
        using var stop = new CancellationTokenSource();
        var run = uploader.RunAsync(stop.Token);
        if (whileRunning is not null)
        {
            await whileRunning();
        }

        await Eventually.HoldsAsync(() => spool.Backlog == 0, Wait, () => $"backlog {spool.Backlog}, last error {uploader.LastError}");
        await stop.CancelAsync();
        await run;
    }

    private static string[] ExpectedKeys(params string[] shas) =>
        [.. shas.SelectMany(sha => new[] { $"{Prefix}edge-device-01/2026/11/22/{sha}.jpg", $"{Prefix}edge-device-01/2026/11/22/{sha}.json" })
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Uploads_image_and_sidecar_under_the_documented_keys_with_object_metadata()
    {
        var spool = OpenSpool();
        var entry = spool.Enqueue(CaptureSpoolTests.Image("a"), CaptureSpoolTests.Metadata()).Entry!;
        var uploader = Uploader(spool);

        await DrainAsync(spool, uploader);

        Assert.Equal(ExpectedKeys(entry.Sha256), await KeysAsync());
        using var image = await _client.GetObjectAsync(Bucket, $"{Prefix}edge-device-01/2026/11/22/{entry.Sha256}.jpg");
        using var bytes = new MemoryStream();
        await image.ResponseStream.CopyToAsync(bytes);
        Assert.Equal(CaptureSpoolTests.Image("a"), bytes.ToArray());
        Assert.Equal("model-7", image.Metadata["x-amz-meta-model-version"]);
        Assert.Equal("uncertain", image.Metadata["x-amz-meta-reason"]);
        using var sidecar = await _client.GetObjectAsync(Bucket, $"{Prefix}edge-device-01/2026/11/22/{entry.Sha256}.json");
        using var json = await JsonDocument.ParseAsync(sidecar.ResponseStream);
        Assert.Equal("edge-device-01", json.RootElement.GetProperty("thingName").GetString());
        Assert.Equal(entry.Sha256, json.RootElement.GetProperty("imageSha256").GetString());
        Assert.Equal(1, uploader.UploadedCount);
        Assert.Equal(0, uploader.FailedAttempts);
    }

    [Fact]
    public async Task Uploads_what_a_previous_process_left_in_the_spool()
    {
        var before = OpenSpool();
        var shas = Enumerable.Range(0, 3).Select(i => before.Enqueue(CaptureSpoolTests.Image("left " + i), CaptureSpoolTests.Metadata()).Entry!.Sha256).ToArray();

        var afterRestart = OpenSpool();
        Assert.Equal(3, afterRestart.Backlog);
        await DrainAsync(afterRestart, Uploader(afterRestart));

        Assert.Equal(ExpectedKeys(shas), await KeysAsync());
        Assert.Equal(0, OpenSpool().Backlog);
    }

    [Fact]
    public async Task Keeps_the_backlog_while_S3_is_down_and_uploads_it_when_S3_is_back()
    {
        await _s3.StopAsync();
        var spool = OpenSpool();
        var shas = Enumerable.Range(0, 2).Select(i => spool.Enqueue(CaptureSpoolTests.Image("offline " + i), CaptureSpoolTests.Metadata()).Entry!.Sha256).ToArray();
        var uploader = Uploader(spool);

        await DrainAsync(spool, uploader, whileRunning: async () =>
        {
            await Eventually.HoldsAsync(() => uploader.FailedAttempts >= 3, Wait, () => $"{uploader.FailedAttempts} failed attempts");
            Assert.Equal(2, spool.Backlog);
            Assert.Equal(0, uploader.UploadedCount);
            await _s3.StartAsync();
        });

        Assert.Equal(ExpectedKeys(shas), await KeysAsync());
        Assert.Equal(0, uploader.ConsecutiveFailures);
    }

    [Fact]
    public async Task Counts_the_frames_dropped_while_offline_and_uploads_only_the_newest()
    {
        await _s3.StopAsync();
        var spool = OpenSpool(maxEntries: 2);
        var results = Enumerable.Range(0, 5).Select(i => spool.Enqueue(CaptureSpoolTests.Image("burst " + i), CaptureSpoolTests.Metadata())).ToList();
        Assert.Equal(3, spool.DroppedCount);

        await _s3.StartAsync();
        await DrainAsync(spool, Uploader(spool));

        Assert.Equal(ExpectedKeys(results[3].Entry!.Sha256, results[4].Entry!.Sha256), await KeysAsync());
        Assert.Equal(3, OpenSpool(maxEntries: 2).DroppedCount);
    }

    [Fact]
    public async Task Discards_and_counts_an_entry_whose_sidecar_is_damaged_and_uploads_the_rest()
    {
        var spool = OpenSpool();
        var damaged = spool.Enqueue(CaptureSpoolTests.Image("damaged"), CaptureSpoolTests.Metadata()).Entry!;
        var healthy = spool.Enqueue(CaptureSpoolTests.Image("healthy"), CaptureSpoolTests.Metadata()).Entry!;
        await File.WriteAllTextAsync(damaged.MetadataPath, "{ \"thingName\": ");

        await DrainAsync(spool, Uploader(spool));

        Assert.Equal(ExpectedKeys(healthy.Sha256), await KeysAsync());
        Assert.Equal(1, spool.DiscardedCount);
    }

    [Fact]
    public async Task Uploads_with_credentials_from_the_token_exchange_service()
    {
        await using var tes = new TokenExchangeStub(authorization: "tes-auth-token", accessKey: S3rverServer.AccessKey);
        var previous = (Uri: Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI"), Token: Environment.GetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        // Greengrass sets these for the component's whole life, and the SDK reads them when it fetches credentials:
        // they stay set for the whole test (no other test reads them).
        Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", tes.CredentialsUri);
        Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tes-auth-token");
        try
        {
            using var s3 = CaptureS3ClientFactory.Create("us-east-1", serviceUrl: _s3.EndpointUrl);
            var spool = OpenSpool();
            var entry = spool.Enqueue(CaptureSpoolTests.Image("via tes"), CaptureSpoolTests.Metadata()).Entry!;
            var uploader = new CaptureUploader(spool, s3, new CaptureUploaderOptions { BucketName = Bucket, CapturePrefix = Prefix, InitialBackoff = TimeSpan.FromMilliseconds(100) });

            await DrainAsync(spool, uploader);

            Assert.Equal(ExpectedKeys(entry.Sha256), await KeysAsync());
            Assert.True(tes.Served >= 1);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", previous.Uri);
            Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", previous.Token);
        }
    }

    [Fact]
    public async Task Keeps_running_after_an_unexpected_client_exception_counting_and_logging_it_then_uploads()
    {
        var spool = OpenSpool();
        var sha = spool.Enqueue(CaptureSpoolTests.Image("unlucky"), CaptureSpoolTests.Metadata()).Entry!.Sha256;
        var logged = new List<string>();
        using var flaky = new FlakyS3Client(_s3.EndpointUrl, failures: 2);
        var uploader = new CaptureUploader(spool, flaky, new CaptureUploaderOptions
        {
            BucketName = Bucket,
            CapturePrefix = Prefix,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            Log = line => { lock (logged) { logged.Add(line); } },
        });

        await DrainAsync(spool, uploader);

        Assert.Equal(ExpectedKeys(sha), await KeysAsync());
        Assert.Equal(2, uploader.FailedAttempts);
        Assert.Equal(0, uploader.ConsecutiveFailures);
        Assert.Equal(1, uploader.UploadedCount);
        Assert.StartsWith("InvalidOperationException: injected", uploader.LastError, StringComparison.Ordinal);
        Assert.Equal(2, logged.Count(l => l.Contains("unexpectedly", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stops_only_when_cancelled_even_if_every_attempt_throws_unexpectedly()
    {
        var spool = OpenSpool();
        spool.Enqueue(CaptureSpoolTests.Image("never"), CaptureSpoolTests.Metadata());
        using var broken = new FlakyS3Client(_s3.EndpointUrl, failures: int.MaxValue);
        var uploader = new CaptureUploader(spool, broken, new CaptureUploaderOptions
        {
            BucketName = Bucket,
            CapturePrefix = Prefix,
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(40),
        });
        using var stop = new CancellationTokenSource();

        var run = uploader.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => uploader.FailedAttempts >= 5, Wait, () => $"{uploader.FailedAttempts} failed attempts");

        Assert.False(run.IsCompleted, "the upload loop ended on an unexpected exception");
        Assert.Equal(1, spool.Backlog);
        await stop.CancelAsync();
        await run; // returns normally on cancellation
    }

    /// <summary>A real client of the s3rver whose first PutObject calls throw an exception type the uploader does not list.</summary>
    private sealed class FlakyS3Client(string endpoint, int failures) : AmazonS3Client(
        new Amazon.Runtime.BasicAWSCredentials(S3rverServer.AccessKey, S3rverServer.AccessKey),
        new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 })
    {
        private int _remaining = failures;

        public override Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default) =>
            Interlocked.Decrement(ref _remaining) >= 0
                ? throw new InvalidOperationException("injected failure")
                : base.PutObjectAsync(request, cancellationToken);
    }

    [Fact]
    public void Key_layout_uses_the_UTC_capture_date()
    {
        var metadata = CaptureSpoolTests.Metadata(at: new DateTimeOffset(2026, 1, 2, 23, 30, 0, TimeSpan.FromHours(-5)));

        Assert.Equal("cap/edge-device-01/2026/01/03/abc.jpg", CaptureLayout.ImageKey("cap/", metadata.ThingName, metadata.CapturedAt, "abc"));
        Assert.Equal("cap/edge-device-01/2026/01/03/abc.json", CaptureLayout.SidecarKey("cap/", metadata.ThingName, metadata.CapturedAt, "abc"));
    }

    [Fact]
    public void Options_refuse_a_prefix_without_a_trailing_slash()
    {
        var problems = new CaptureUploaderOptions { BucketName = "", CapturePrefix = "captures" }.Validate();

        Assert.Equal(2, problems.Count);
    }
}
