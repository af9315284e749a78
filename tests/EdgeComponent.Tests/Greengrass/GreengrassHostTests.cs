using System.Text.Json.Nodes;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Greengrass;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Hosting;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeComponent.Tests.Greengrass;

/// <summary>The host with its runtime settings coming only from the component configuration over IPC, as the recipe runs it.</summary>
[Collection(OnnxCollection.Name)]
public sealed class GreengrassHostTests(OnnxFixture onnx) : IAsyncLifetime
{
    private const string Component = "com.edgemlops.Inference";
    private readonly TempFolder _folder = new();
    private TestNucleus _nucleus = null!;
    private GreengrassIpcClient _client = null!;

    public Task InitializeAsync()
    {
        _folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        _nucleus = TestNucleus.Start(new TestNucleusOptions
        {
            SocketPath = Path.Combine(_folder.Path, "ipc.socket"),
            ComponentName = Component,
            Configuration = new Dictionary<string, JsonObject>
            {
                [Component] = new()
                {
                    ["confidenceThreshold"] = 0.8,
                    ["resultsTopic"] = "plant-3/{thingName}/results",
                    ["healthTopic"] = "plant-3/{thingName}/health",
                },
            },
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

    private (ComponentHost Host, RecordingPublisher Publisher) Host(bool loop)
    {
        // What the recipe's Run script yields: start-up settings only, runtime keys at the component's defaults.
        var settings = new ComponentSettings
        {
            ThingName = "cam-9",
            ModelPath = onnx.KnownOutputModel,
            ImagesPath = _folder.Path,
            Loop = loop,
            OnnxRuntimeLibraryPath = RepositoryPaths.OnnxRuntimeX64,
        };
        var log = new ComponentLog(TextWriter.Null);
        var publisher = new RecordingPublisher();
        var host = new ComponentHost(new ComponentHostProps
        {
            Settings = settings,
            Configuration = new GreengrassConfigurationSource(_client, settings.Runtime, log, new GreengrassStateReporter(_client, log),
                initialRetryDelay: TimeSpan.FromMilliseconds(50)),
            Publisher = publisher,
            StateReporter = new GreengrassStateReporter(_client, log),
            Log = log,
        });
        return (host, publisher);
    }

    [Fact]
    public async Task First_frame_waits_for_the_configuration_so_nothing_is_published_to_a_default_topic()
    {
        _nucleus.InjectFault("aws.greengrass#GetConfiguration", NucleusFault.ServiceError); // the first read fails: start-up retries
        var (host, publisher) = Host(loop: false);

        await host.RunAsync(CancellationToken.None);

        Assert.NotEmpty(publisher.Messages);
        Assert.All(publisher.Messages, m => Assert.StartsWith("plant-3/cam-9/", m.Topic, StringComparison.Ordinal));
        var result = Assert.Single(publisher.On("plant-3/cam-9/results")).RootElement;
        Assert.Equal(1, result.GetProperty("detections").GetArrayLength()); // confidence 0.8 from the configuration, not the 0.25 default
        Assert.True(_nucleus.Operations.Snapshot().Count(o => o.Operation == "aws.greengrass#GetConfiguration") >= 2);
    }

    [Fact]
    public async Task Invalid_configuration_at_start_reports_errored_and_waits_until_an_update_makes_it_valid()
    {
        await _nucleus.PushConfigurationUpdate(["confidenceThreshold"], 5, Component);
        var (host, publisher) = Host(loop: true);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await _nucleus.States.WaitForAsync(s => s.State == "ERRORED", TimeSpan.FromMinutes(2));
        await Task.Delay(300);
        Assert.Empty(publisher.Messages);
        Assert.Equal(0, host.Health.Snapshot().FramesProcessed);

        await _nucleus.PushConfigurationUpdate(["confidenceThreshold"], 0.8, Component);
        await Eventually.TrueAsync(() => publisher.On("plant-3/cam-9/results").Count >= 1, "a result once the configuration is valid");
        await _nucleus.States.WaitForAsync(s => s.State == "RUNNING", TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await run;

        Assert.All(publisher.Messages, m => Assert.StartsWith("plant-3/cam-9/", m.Topic, StringComparison.Ordinal));
        Assert.Equal(1, publisher.On("plant-3/cam-9/results")[0].RootElement.GetProperty("detections").GetArrayLength());
    }
}
