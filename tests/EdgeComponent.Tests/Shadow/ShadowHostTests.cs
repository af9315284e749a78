using System.Text.Json;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Hosting;
using EdgeMlOps.Edge.ModelGen.Models;

namespace EdgeComponent.Tests.Shadow;

/// <summary>The real component with a current and a candidate model: what it publishes and what its health says.</summary>
[Collection(OnnxCollection.Name)]
public sealed class ShadowHostTests(OnnxFixture onnx)
{
    private const string ResultsTopic = "edgemlops/test-thing/inference/results";
    private const string HealthTopic = "edgemlops/test-thing/inference/health";

    private static ComponentSettings Settings(string model, string? shadowModel, string images, int sampleEvery) => new()
    {
        ThingName = "test-thing",
        ModelPath = model,
        ModelComponentVersion = "1.0.0",
        ModelPackageVersion = "1",
        ShadowModelPath = shadowModel ?? string.Empty,
        ShadowSampleEvery = sampleEvery,
        ShadowCandidateVersion = "2.0.0",
        ImagesPath = images,
        Loop = false,
        OnnxRuntimeLibraryPath = RepositoryPaths.OnnxRuntimeX64,
        ModelRetrySeconds = 1,
        Runtime = new RuntimeSettings
        {
            FrameIntervalMs = 0,
            HealthIntervalSeconds = 3600,
            ResultsTopic = "edgemlops/{thingName}/inference/results",
            HealthTopic = "edgemlops/{thingName}/inference/health",
            Capture = new CaptureSettings { SampleFraction = 0 },
        },
    };

    private static async Task<(RecordingPublisher Publisher, HealthMessage Health)> RunAsync(ComponentSettings settings)
    {
        var publisher = new RecordingPublisher();
        await new ComponentHost(new ComponentHostProps
        {
            Settings = settings,
            Configuration = new StaticRuntimeConfigurationSource(settings.Runtime),
            Publisher = publisher,
            Log = new ComponentLog(TextWriter.Null),
        }).RunAsync(CancellationToken.None);
        var last = publisher.On(HealthTopic)[^1];
        return (publisher, HealthMessage.Read(JsonSerializer.SerializeToUtf8Bytes(last.RootElement)));
    }

    private static string Write(TempFolder folder, string name, KnownOutputModel model)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, model.Build());
        return path;
    }

    private static TempFolder Images(int count)
    {
        var folder = new TempFolder();
        for (var i = 0; i < count; i++)
        {
            folder.File($"frame-{i:00}.jpg", TestImages.SolidJpeg(64, 64));
        }

        return folder;
    }

    [Fact]
    public async Task The_same_model_in_shadow_agrees_fully_on_every_sampled_frame_and_the_current_model_publishes_every_frame()
    {
        using var images = Images(8);
        var (publisher, health) = await RunAsync(Settings(onnx.KnownOutputModel, onnx.KnownOutputModel, images.Path, sampleEvery: 4));

        Assert.Equal(8, publisher.On(ResultsTopic).Count);
        var shadow = Assert.IsType<HealthShadow>(health.Shadow);
        Assert.Equal("2.0.0", shadow.CandidateVersion);
        Assert.Equal(4, shadow.SampleEvery);
        Assert.Equal(2, shadow.FramesCompared); // frames 0 and 4
        Assert.Equal(6, shadow.CurrentBoxes); // the reference model's three detections per frame
        Assert.Equal(1.0, shadow.BoxF1);
        Assert.Equal(0, shadow.DefectRateDifference);
        Assert.True(shadow.LatencyP95Ratio > 0);
        Assert.Null(shadow.LastError);
    }

    [Fact]
    public async Task A_blind_candidate_in_shadow_is_reported_as_missing_every_defect_while_results_still_come_from_the_current_model()
    {
        using var images = Images(6);
        using var models = new TempFolder();
        var reference = KnownOutputModel.Reference();
        var blind = Write(models, "blind.onnx", reference with { Anchors = [.. reference.Anchors.Select(a => a with { Scores = new float[a.Scores.Length] })] });

        var (publisher, health) = await RunAsync(Settings(onnx.KnownOutputModel, blind, images.Path, sampleEvery: 1));

        Assert.All(publisher.On(ResultsTopic), r => Assert.Equal(3, r.RootElement.GetProperty("detections").GetArrayLength()));
        var shadow = Assert.IsType<HealthShadow>(health.Shadow);
        Assert.Equal(6, shadow.FramesCompared);
        Assert.Equal(6, shadow.MissedDefectFrames);
        Assert.Equal(0, shadow.CandidateBoxes);
        Assert.Equal(-1.0, shadow.DefectRateDifference);
        Assert.Equal(0, shadow.BoxF1);
    }

    [Fact]
    public async Task A_candidate_with_another_input_size_is_reported_and_the_current_model_serves_alone()
    {
        using var images = Images(3);
        using var models = new TempFolder();
        var other = Write(models, "other-size.onnx", KnownOutputModel.Reference() with { InputSize = 96 });

        var (publisher, health) = await RunAsync(Settings(onnx.KnownOutputModel, other, images.Path, sampleEvery: 1));

        Assert.Equal(3, publisher.On(ResultsTopic).Count);
        var shadow = Assert.IsType<HealthShadow>(health.Shadow);
        Assert.Equal(0, shadow.FramesCompared);
        Assert.Contains("96x96 differs from the current model's 64x64", shadow.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_candidate_the_health_message_has_no_shadow_block()
    {
        using var images = Images(2);
        var (_, health) = await RunAsync(Settings(onnx.KnownOutputModel, null, images.Path, sampleEvery: 4));

        Assert.Null(health.Shadow);
    }

    [Fact]
    public async Task A_shadow_deployment_naming_the_current_model_file_makes_it_serve_and_runs_the_model_components_model_as_the_candidate()
    {
        using var images = Images(4);
        using var component = new TempFolder();
        var reference = KnownOutputModel.Reference();
        var candidate = Write(component, "model.onnx", reference with { Anchors = [.. reference.Anchors.Select(a => a with { Scores = new float[a.Scores.Length] })] });
        Write(component, "current.onnx", reference);
        // As the recipe's Run script passes them: the model component's model, its version and the merged shadow keys.
        var settings = Settings(candidate, null, images.Path, sampleEvery: 2) with
        {
            ShadowCurrentModelFile = "current.onnx",
            ModelComponentVersion = "4.0.0",
            ModelPackageVersion = "4",
            ShadowCurrentComponentVersion = "3.0.0",
            ShadowCurrentPackageVersion = "3",
        };

        var (publisher, health) = await RunAsync(settings);

        // The results are the current model's and name it; health names the candidate the gate watches.
        Assert.All(publisher.On(ResultsTopic), r => Assert.Equal(3, r.RootElement.GetProperty("detections").GetArrayLength()));
        Assert.All(publisher.On(ResultsTopic), r => Assert.Equal(("3.0.0", "3"),
            (r.RootElement.GetProperty("modelComponentVersion").GetString(), r.RootElement.GetProperty("modelPackageVersion").GetString())));
        Assert.Equal("4.0.0", health.Model.ComponentVersion);
        var shadow = Assert.IsType<HealthShadow>(health.Shadow);
        Assert.Equal("4.0.0", shadow.CandidateVersion);
        Assert.Equal(2, shadow.FramesCompared);
        Assert.Equal(2, shadow.MissedDefectFrames);
    }

    [Fact]
    public async Task A_candidate_in_shadow_that_fails_acceptance_stops_running_while_the_current_model_keeps_serving_and_the_state_says_model_quality_failed()
    {
        using var images = Images(4);
        using var component = new TempFolder();
        var reference = KnownOutputModel.Reference();
        // The blind model shipped with the good model's acceptance set (the wrong artifact), as the shadow deployment lays it out.
        var candidate = Write(component, "model.onnx", reference with { Anchors = [.. reference.Anchors.Select(a => a with { Scores = new float[a.Scores.Length] })] });
        var current = Write(component, "current.onnx", reference);
        KnownOutputAcceptanceSet.ForReference().Write(component.Path, current, i => TestImages.SolidJpeg(128, 128, (byte)(i * 9), 60, 90));
        var settings = Settings(candidate, null, images.Path, sampleEvery: 1) with
        {
            ShadowCurrentModelFile = "current.onnx",
            ModelComponentVersion = "4.0.0",
            ModelPackageVersion = "4",
            ShadowCurrentComponentVersion = "3.0.0",
            ShadowCurrentPackageVersion = "3",
            AcceptanceSet = "acceptance/acceptance.json",
            AcceptanceSetRoot = component.Path,
        };

        var (publisher, health) = await RunAsync(settings);

        // No outage on the line: every frame is published by the current model, under its own versions.
        Assert.Equal(4, publisher.On(ResultsTopic).Count);
        Assert.All(publisher.On(ResultsTopic), r => Assert.Equal(3, r.RootElement.GetProperty("detections").GetArrayLength()));
        Assert.All(publisher.On(ResultsTopic), r => Assert.Equal("3.0.0", r.RootElement.GetProperty("modelComponentVersion").GetString()));
        // The gate still sees the candidate's failure: state, acceptance, and why the candidate no longer runs.
        Assert.Equal(ComponentStates.ModelQualityFailed, health.State);
        Assert.Equal("4.0.0", health.Model.ComponentVersion);
        Assert.Equal(AcceptanceStatuses.Failed, health.Acceptance?.Status);
        Assert.StartsWith("acceptance failed: parity 0.000", health.Model.LastError, StringComparison.Ordinal);
        var shadow = Assert.IsType<HealthShadow>(health.Shadow);
        Assert.Equal(0, shadow.FramesCompared);
        Assert.StartsWith("the candidate failed its acceptance check: acceptance failed", shadow.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_carry_the_serving_models_versions_the_current_ones_in_shadow_unknown_when_greengrass_left_them_unresolved()
    {
        var plain = new ComponentSettings { ModelPath = "/m/model.onnx", ModelComponentVersion = "2.0.0", ModelPackageVersion = "2" };
        var shadow = plain with { ShadowCurrentModelFile = "current.onnx", ShadowCurrentComponentVersion = "1.0.0", ShadowCurrentPackageVersion = "1" };
        var unresolved = shadow with { ShadowCurrentComponentVersion = "{com.edgemlops.Model:configuration:/currentModelComponentVersion}" };

        Assert.Equal(("2.0.0", "2"), plain.ForShadow().ServingModelVersions());
        Assert.Equal(("1.0.0", "1"), shadow.ForShadow().ServingModelVersions());
        Assert.Equal(("2.0.0", "2"), shadow.ForShadow().ModelVersions());
        Assert.Equal("unknown", unresolved.ForShadow().ServingModelVersions().ComponentVersion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{configuration:/shadow/currentModelFile}")]
    public void Without_a_current_model_file_the_settings_stay_as_they_are(string file)
    {
        var settings = new ComponentSettings { ModelPath = "/models/model.onnx", ShadowCurrentModelFile = file };

        Assert.Same(settings, settings.ForShadow());
        Assert.False(settings.ForShadow().ShadowEnabled);
    }
}
