using System.Text.Json.Nodes;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Greengrass;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeComponent.Tests.Greengrass;

/// <summary>The Greengrass implementations of the host's seams, against the test nucleus in-process.</summary>
public sealed class GreengrassServicesTests : IAsyncLifetime
{
    private const string Component = "com.edgemlops.Inference";
    private readonly TempFolder _folder = new();
    private TestNucleus _nucleus = null!;
    private GreengrassIpcClient _client = null!;

    public Task InitializeAsync()
    {
        _nucleus = TestNucleus.Start(new TestNucleusOptions
        {
            SocketPath = Path.Combine(_folder.Path, "ipc.socket"),
            ComponentName = Component,
            Configuration = new Dictionary<string, JsonObject> { [Component] = new() { ["iouThreshold"] = 0.6, ["maxDetections"] = 5 } },
        });
        _client = new GreengrassIpcClient(new GreengrassIpcClientOptions { SocketPath = _nucleus.SocketPath, AuthToken = _nucleus.AuthToken });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _nucleus.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Publisher_sends_with_qos_1_and_a_stuck_publish_times_out_as_a_failure()
    {
        var publisher = new GreengrassResultPublisher(_client, TimeSpan.FromMilliseconds(500));

        await publisher.PublishAsync("edgemlops/t/inference/results", "{\"a\":1}"u8.ToArray(), CancellationToken.None);
        var sent = await _nucleus.Publishes.WaitForAsync(p => p.TopicName == "edgemlops/t/inference/results", TimeSpan.FromSeconds(10));
        Assert.Equal("1", sent.Qos);

        _nucleus.InjectFault("aws.greengrass#PublishToIoTCore", NucleusFault.NoResponse);
        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await publisher.PublishAsync("edgemlops/t/inference/results", "{}"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task Configuration_source_reads_the_component_configuration_over_the_startup_values_and_rejects_invalid_updates()
    {
        await using var source = new GreengrassConfigurationSource(_client, new RuntimeSettings { ConfidenceThreshold = 0.3 }, new ComponentLog(TextWriter.Null));
        var changed = new List<RuntimeSettings>();
        source.Changed += changed.Add;

        await source.StartAsync(CancellationToken.None);
        Assert.Equal((0.3, 0.6, 5), (source.Current.ConfidenceThreshold, source.Current.IouThreshold, source.Current.MaxDetections));

        await _nucleus.PushConfigurationUpdate(["maxDetections"], 5000, Component); // out of range: ignored
        await _nucleus.PushConfigurationUpdate(["confidenceThreshold"], 0.7, Component);
        await Eventually.TrueAsync(() => source.Current.ConfidenceThreshold == 0.7, "the valid update applied");

        Assert.Equal(5, source.Current.MaxDetections);
    }

    [Fact]
    public async Task State_reporter_sends_running_and_errored()
    {
        var reporter = new GreengrassStateReporter(_client, new ComponentLog(TextWriter.Null));

        await reporter.ReportAsync(ComponentState.Errored, CancellationToken.None);
        await reporter.ReportAsync(ComponentState.Running, CancellationToken.None);

        var states = await _nucleus.States.WaitForCountAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal(["ERRORED", "RUNNING"], states.Select(s => s.State));
    }

    [Fact]
    public void Spool_sink_stores_the_image_with_normalised_detections_and_the_result()
    {
        var spool = CaptureSpool.Open(new CaptureSpoolOptions { Directory = Path.Combine(_folder.Path, "spool") });
        var sink = new SpoolCaptureSink(spool);
        var image = TestImages.SolidJpeg(200, 100);

        var stored = sink.TryEnqueue(image, CaptureSidecar.Build("frame.jpg", "thing-1", DateTimeOffset.UnixEpoch, CaptureReason.Uncertain, 0.45f,
            new ModelIdentity("1.0.2", "9"), "{\"messageType\":\"inference-result\"}"u8, 200, 100,
            [new Detection(0, 0.45f, new BoundingBox(20, 10, 120, 60))], ["scratch"]));

        Assert.True(stored);
        Assert.Equal(1, sink.Backlog);
        var entry = Assert.Single(spool.Pending());
        var metadata = CaptureSpool.ReadMetadata(entry);
        Assert.Equal("uncertain", metadata.Reason);
        Assert.Equal("9", metadata.ModelPackageVersion);
        var detection = Assert.Single(metadata.Detections);
        Assert.Equal(("scratch", 0.1f, 0.1f, 0.5f, 0.5f), (detection.Label, detection.X, detection.Y, detection.Width, detection.Height));
        Assert.Equal("inference-result", metadata.InferenceResult!.Value.GetProperty("messageType").GetString());
        Assert.False(sink.TryEnqueue(image, CaptureSidecar.Build("again.jpg", "thing-1", DateTimeOffset.UnixEpoch, CaptureReason.Sampled, null,
            new ModelIdentity("1.0.2", "9"), "{}"u8, 200, 100, [], [])), "the same bytes are a duplicate");
    }

    [Fact]
    public async Task Spool_sink_reports_the_uploaders_failures_while_s3_is_unreachable()
    {
        var spool = CaptureSpool.Open(new CaptureSpoolOptions { Directory = Path.Combine(_folder.Path, "spool") });
        // Nothing listens on port 9 (discard) here: each attempt fails with a connection error.
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("k", "s"),
            new Amazon.S3.AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var uploader = new CaptureUploader(spool, s3, new CaptureUploaderOptions
        {
            BucketName = "b",
            CapturePrefix = CaptureLayout.DefaultPrefix,
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        });
        var sink = new SpoolCaptureSink(spool, uploader);
        sink.TryEnqueue(TestImages.SolidJpeg(32, 32), CaptureSidecar.Build("f.jpg", "thing-1", DateTimeOffset.UnixEpoch, CaptureReason.Sampled, null,
            new ModelIdentity("1.0.2", "9"), "{}"u8, 32, 32, [], []));
        using var stop = new CancellationTokenSource();

        var run = uploader.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => sink.Upload.Failures >= 2, "upload failures counted");
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, sink.Upload.Uploaded);
        Assert.NotNull(sink.Upload.LastError);
        Assert.Equal(1, sink.Backlog);
        Assert.Equal(default, new NoOpCaptureSink().Upload);
    }
}
