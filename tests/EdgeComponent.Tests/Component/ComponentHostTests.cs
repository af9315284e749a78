using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Hosting;

namespace EdgeComponent.Tests.Component;

[Collection(OnnxCollection.Name)]
public sealed class ComponentHostTests(OnnxFixture onnx)
{
    private const string ResultsTopic = "edgemlops/test-thing/inference/results";
    private const string HealthTopic = "edgemlops/test-thing/inference/health";

    private static ComponentSettings Settings(string model, string images, Func<RuntimeSettings, RuntimeSettings>? runtime = null) => new()
    {
        ThingName = "test-thing",
        ModelPath = model,
        ModelComponentVersion = "1.2.3",
        ModelPackageVersion = "7",
        ImagesPath = images,
        Loop = false,
        OnnxRuntimeLibraryPath = RepositoryPaths.OnnxRuntimeX64,
        MaxImagePixels = 50_000_000,
        ModelRetrySeconds = 1,
        Runtime = (runtime ?? (r => r))(new RuntimeSettings
        {
            FrameIntervalMs = 0,
            HealthIntervalSeconds = 3600,
            ResultsTopic = "edgemlops/{thingName}/inference/results",
            HealthTopic = "edgemlops/{thingName}/inference/health",
            Capture = new CaptureSettings { SampleFraction = 0 },
        }),
    };

    private static ComponentHost Host(ComponentSettings settings, RecordingPublisher publisher) => new(new ComponentHostProps
    {
        Settings = settings,
        Configuration = new StaticRuntimeConfigurationSource(settings.Runtime),
        Publisher = publisher,
        Log = new ComponentLog(TextWriter.Null),
    });

    [Fact]
    public async Task Bad_images_are_skipped_and_counted_by_reason_while_good_ones_are_published()
    {
        using var folder = new TempFolder();
        folder.File("a-good.jpg", TestImages.SolidJpeg(128, 64));
        folder.File("b-truncated.jpg", TestImages.TruncatedJpeg());
        folder.File("c-empty.jpg", []);
        folder.File("d-png.jpg", TestImages.Png());
        folder.File("e-huge.jpg", TestImages.HugeHeaderJpeg());
        folder.File("f-real.jpg_0", TestImages.RealJpeg());
        var publisher = new RecordingPublisher();
        var host = Host(Settings(onnx.KnownOutputModel, folder.Path), publisher);

        await host.RunAsync(CancellationToken.None);

        var snapshot = host.Health.Snapshot();
        Assert.Equal(2, snapshot.FramesProcessed);
        Assert.Equal(4, snapshot.FramesFailed);
        Assert.Equal(
            new Dictionary<string, long> { ["empty-file"] = 1, ["too-large"] = 1, ["truncated"] = 1, ["unsupported-format"] = 1 },
            snapshot.FailuresByReason);
        var results = publisher.On(ResultsTopic);
        Assert.Equal(["a-good.jpg", "f-real.jpg_0"], results.Select(r => r.RootElement.GetProperty("imageId").GetString()));
        Assert.All(results, r => Assert.Equal(3, r.RootElement.GetProperty("detections").GetArrayLength()));

        var health = Assert.Single(publisher.On(HealthTopic)).RootElement; // the final health message
        Assert.Equal(2, health.GetProperty("frames").GetProperty("processed").GetInt64());
        Assert.Equal(1, health.GetProperty("failures").GetProperty("too-large").GetInt64());
        Assert.Equal("1.2.3", health.GetProperty("model").GetProperty("componentVersion").GetString());
    }

    [Fact]
    public async Task With_default_settings_a_10000_by_10000_image_is_refused_as_too_large_and_the_next_frame_still_runs()
    {
        using var folder = new TempFolder();
        folder.File("a-huge.jpg", TestImages.HugeHeaderJpeg(10_000, 10_000));
        folder.File("b-good.jpg", TestImages.SolidJpeg(128, 64));
        // Only what a test cannot leave at the default; the pixel limit is the component's own.
        var settings = new ComponentSettings
        {
            ThingName = "test-thing",
            ModelPath = onnx.KnownOutputModel,
            ImagesPath = folder.Path,
            Loop = false,
            OnnxRuntimeLibraryPath = RepositoryPaths.OnnxRuntimeX64,
            Runtime = new RuntimeSettings { FrameIntervalMs = 0 },
        };
        var publisher = new RecordingPublisher();

        await Host(settings, publisher).RunAsync(CancellationToken.None);

        Assert.True(10_000L * 10_000 > new ComponentSettings { ModelPath = "m.onnx" }.MaxImagePixels);
        var health = Assert.Single(publisher.On(HealthTopic)).RootElement;
        Assert.Equal(1, health.GetProperty("failures").GetProperty("too-large").GetInt64());
        Assert.Equal(1, health.GetProperty("frames").GetProperty("failed").GetInt64());
        Assert.Equal(["b-good.jpg"], publisher.On(ResultsTopic).Select(r => r.RootElement.GetProperty("imageId").GetString()));
    }

    [Fact]
    public async Task Pipelined_and_sequential_runs_publish_the_same_results()
    {
        var sequential = new RecordingPublisher();
        await Host(Settings(onnx.KnownOutputModel, RepositoryPaths.TestImages) with { Pipelining = false }, sequential).RunAsync(CancellationToken.None);
        var pipelined = new RecordingPublisher();
        await Host(Settings(onnx.KnownOutputModel, RepositoryPaths.TestImages) with { Pipelining = true }, pipelined).RunAsync(CancellationToken.None);

        static IEnumerable<string> Summaries(RecordingPublisher p) => p.On(ResultsTopic)
            .Select(r => r.RootElement.GetProperty("imageId").GetString() + " " + r.RootElement.GetProperty("detections").GetRawText());

        Assert.Equal(Directory.GetFiles(RepositoryPaths.TestImages).Length, pipelined.On(ResultsTopic).Count);
        Assert.Equal(Summaries(sequential), Summaries(pipelined));
    }

    [Fact]
    public async Task Missing_then_wrong_shaped_model_is_reported_errored_and_retried_until_a_valid_one_arrives()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        var modelPath = Path.Combine(folder.Path, "model", "model.onnx");
        var publisher = new RecordingPublisher();
        var settings = Settings(modelPath, folder.Path, r => r with { HealthIntervalSeconds = 1 }) with { Loop = true };
        var host = Host(settings, publisher);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => host.Health.State == ComponentState.Errored, "state ERRORED for a missing model");
        await Eventually.TrueAsync(() => publisher.On(HealthTopic).Any(h => h.RootElement.GetProperty("state").GetString() == "ERRORED"), "an ERRORED health message");
        var missing = publisher.On(HealthTopic).First(h => h.RootElement.GetProperty("state").GetString() == "ERRORED");
        Assert.Contains(modelPath, missing.RootElement.GetProperty("model").GetProperty("lastError").GetString(), StringComparison.Ordinal);

        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        File.Copy(onnx.WrongShapeModel, modelPath);
        await Eventually.TrueAsync(() => host.Health.Snapshot().LastError?.Contains("[1, 10, 5, 5]", StringComparison.Ordinal) == true, "the wrong shape reported");
        Assert.False(run.IsCompleted);

        File.Copy(onnx.KnownOutputModel, modelPath, overwrite: true);
        await Eventually.TrueAsync(() => host.Health.Snapshot().FramesProcessed >= 2, "frames processed after the model arrived");
        Assert.Equal(ComponentState.Running, host.Health.State);
        Assert.True(host.Health.Snapshot().ModelLoaded);
        Assert.Null(host.Health.Snapshot().LastError);

        await stop.CancelAsync();
        await run; // returns normally on shutdown
        Assert.Equal(ComponentState.Stopping, host.Health.State);
    }

    [Fact]
    public async Task Runtime_threshold_change_applies_to_the_next_frames()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        var configFile = folder.File("settings.json", "{ \"confidenceThreshold\": 0.25 }"u8.ToArray());
        var settings = Settings(onnx.KnownOutputModel, folder.Path, r => r with { FrameIntervalMs = 20 }) with { Loop = true };
        await using var configuration = new FileRuntimeConfigurationSource(configFile, settings.Runtime, TimeSpan.FromMilliseconds(50));
        var publisher = new RecordingPublisher();
        var host = new ComponentHost(new ComponentHostProps
        {
            Settings = settings,
            Configuration = configuration,
            Publisher = publisher,
            Log = new ComponentLog(TextWriter.Null),
        });
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => publisher.On(ResultsTopic).Count >= 1, "a first result");

        File.WriteAllText(configFile, "{ \"confidenceThreshold\": 0.8 }");
        File.SetLastWriteTimeUtc(configFile, DateTime.UtcNow.AddSeconds(5));
        await Eventually.TrueAsync(
            () => publisher.On(ResultsTopic).Any(r => r.RootElement.GetProperty("detections").GetArrayLength() == 1),
            "a result with only the 0.9 detection");
        await stop.CancelAsync();
        await run;

        Assert.Equal(0.8, configuration.Current.ConfidenceThreshold);
    }

    [Fact]
    public async Task Missing_images_folder_is_reported_errored_and_retried_until_it_appears()
    {
        using var folder = new TempFolder();
        var images = Path.Combine(folder.Path, "camera");
        var publisher = new RecordingPublisher();
        var host = Host(Settings(onnx.KnownOutputModel, images) with { Loop = true }, publisher);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => host.Health.Snapshot().LastError?.Contains(images, StringComparison.Ordinal) == true, "the missing folder reported");
        Assert.Equal(ComponentState.Errored, host.Health.State);
        Assert.False(run.IsCompleted);

        folder.File("camera/frame.jpg", TestImages.SolidJpeg(128, 64));
        await Eventually.TrueAsync(() => host.Health.Snapshot().FramesProcessed >= 1, "a frame processed once the folder exists");

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_model_that_passes_its_acceptance_set_is_served_and_the_health_message_carries_the_check()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        using var setFolder = new TempFolder();
        var set = EdgeMlOps.Edge.ModelGen.Models.KnownOutputAcceptanceSet.ForReference()
            .Write(setFolder.Path, onnx.KnownOutputModel, i => TestImages.SolidJpeg(128, 128, (byte)(i * 9), 60, 90));
        var settings = Settings(onnx.KnownOutputModel, folder.Path) with { AcceptanceSet = "acceptance/acceptance.json", AcceptanceSetRoot = setFolder.Path };
        var publisher = new RecordingPublisher();

        await Host(settings, publisher).RunAsync(CancellationToken.None);

        Assert.Equal(set, settings.AcceptanceSetPath());
        Assert.Single(publisher.On(ResultsTopic));
        var acceptance = Assert.Single(publisher.On(HealthTopic)).RootElement.GetProperty("acceptance");
        Assert.Equal("passed", acceptance.GetProperty("status").GetString());
        Assert.Equal(1.0, acceptance.GetProperty("parity").GetDouble());
        Assert.Equal(16, acceptance.GetProperty("images").GetInt32());
    }

    [Fact]
    public async Task A_blind_model_fails_acceptance_reports_model_quality_failed_and_serves_nothing_but_keeps_running()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        using var setFolder = new TempFolder();
        // The good model's evaluation shipped with the blind model (the wrong artifact).
        EdgeMlOps.Edge.ModelGen.Models.KnownOutputAcceptanceSet.ForReference()
            .Write(setFolder.Path, onnx.KnownOutputModel, i => TestImages.SolidJpeg(128, 128, (byte)(i * 9), 60, 90));
        var settings = Settings(onnx.BlindModel, folder.Path, r => r with { HealthIntervalSeconds = 1 }) with
        {
            AcceptanceSet = Path.Combine(setFolder.Path, "acceptance", "acceptance.json"),
        };
        var publisher = new RecordingPublisher();
        var host = Host(settings, publisher);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => publisher.On(HealthTopic).Any(h => h.RootElement.GetProperty("state").GetString() == "MODEL_QUALITY_FAILED"),
            "a MODEL_QUALITY_FAILED health message");
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await run;

        Assert.Empty(publisher.On(ResultsTopic));
        var last = publisher.On(HealthTopic)[^1].RootElement;
        Assert.Equal("MODEL_QUALITY_FAILED", last.GetProperty("state").GetString());
        Assert.Equal("failed", last.GetProperty("acceptance").GetProperty("status").GetString());
        Assert.Contains("not reproduced", last.GetProperty("acceptance").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("acceptance failed: parity 0.000", last.GetProperty("model").GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_acceptance_set_the_model_is_served_and_acceptance_reads_none()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        // What Greengrass leaves when the model component has no acceptance set: the variable uninterpolated.
        var settings = Settings(onnx.KnownOutputModel, folder.Path) with { AcceptanceSet = "{model:configuration:/acceptanceSet}" };
        var publisher = new RecordingPublisher();

        await Host(settings, publisher).RunAsync(CancellationToken.None);

        Assert.Single(publisher.On(ResultsTopic));
        var acceptance = Assert.Single(publisher.On(HealthTopic)).RootElement.GetProperty("acceptance");
        Assert.Equal(("none", "parity"), (acceptance.GetProperty("status").GetString(), acceptance.GetProperty("preprocessing").GetString()));
    }

    [Fact]
    public async Task A_declared_but_missing_acceptance_set_is_invalid_and_the_model_is_not_served()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        var settings = Settings(onnx.KnownOutputModel, folder.Path) with { AcceptanceSet = "acceptance/acceptance.json", AcceptanceSetRoot = folder.Path + "-nowhere" };
        var publisher = new RecordingPublisher();
        var host = Host(settings, publisher);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => host.Health.State == ComponentState.ModelQualityFailed, "state MODEL_QUALITY_FAILED");
        await stop.CancelAsync();
        await run;

        Assert.Empty(publisher.On(ResultsTopic));
        var acceptance = publisher.On(HealthTopic)[^1].RootElement.GetProperty("acceptance");
        Assert.Equal("invalid", acceptance.GetProperty("status").GetString());
        Assert.Contains("cannot be read", acceptance.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
