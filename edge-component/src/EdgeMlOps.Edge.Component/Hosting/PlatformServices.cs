using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Greengrass;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Hosting;

/// <summary>
/// Chooses the publisher, configuration source, capture sink and state reporter for where the process runs:
/// inside Greengrass (the IPC socket variable is set) or locally (JSON lines on standard output or a file,
/// settings from --config/arguments, no capture).
/// </summary>
public sealed class PlatformServices : IAsyncDisposable
{
    /// <summary>Set by the Greengrass nucleus for each component process that may use IPC.</summary>
    public const string IpcSocketVariable = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";

    private readonly GreengrassIpcClient? _client;
    private readonly CancellationTokenSource _background = new();
    private Task _uploader = Task.CompletedTask;

    private PlatformServices(IResultPublisher publisher, IRuntimeConfigurationSource configuration, ICaptureSink captureSink,
        IComponentStateReporter stateReporter, string description, GreengrassIpcClient? client = null)
    {
        _client = client;
        Publisher = publisher;
        Configuration = configuration;
        CaptureSink = captureSink;
        StateReporter = stateReporter;
        Description = description;
    }

    public IResultPublisher Publisher { get; }

    public IRuntimeConfigurationSource Configuration { get; }

    public ICaptureSink CaptureSink { get; }

    public IComponentStateReporter StateReporter { get; }

    /// <summary>A short description of the choice, for the start-up log line.</summary>
    public string Description { get; }

    public static async Task<PlatformServices> CreateAsync(CommandLineOptions options, ComponentLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var client = GreengrassIpcClient.FromEnvironment();
        return client is null ? CreateLocal(options, log) : await CreateGreengrassAsync(client, options, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inside Greengrass: results, health and state through IPC, runtime settings from the component configuration,
    /// captures to the on-disk spool and, when capture.bucket is set, uploaded to S3 in the background.
    /// </summary>
    private static async Task<PlatformServices> CreateGreengrassAsync(GreengrassIpcClient client, CommandLineOptions options, ComponentLog log,
        CancellationToken cancellationToken)
    {
        try
        {
            // Bounded: the client otherwise retries until cancelled, and start-up must not hang on the nucleus.
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await client.ConnectAsync(connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Every operation reconnects on its own: start anyway, failures are counted in the health message.
            log.Warn($"Greengrass IPC connect failed, retrying on each operation: {ex.Message}");
        }

        var capture = options.Settings.Runtime.Capture;
        var spool = CaptureSpool.Open(new CaptureSpoolOptions
        {
            Directory = Path.GetFullPath(capture.SpoolDirectory),
            MaxBytes = capture.SpoolMaxMegabytes * 1024L * 1024L,
        });
        var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        CaptureUploader? uploader = null;
        if (!string.IsNullOrWhiteSpace(capture.Bucket) && !string.IsNullOrWhiteSpace(region))
        {
            uploader = new CaptureUploader(spool, CaptureS3ClientFactory.Create(region), new CaptureUploaderOptions
            {
                BucketName = capture.Bucket,
                CapturePrefix = capture.Prefix,
                Log = log.Warn,
            });
        }
        else
        {
            log.Info("capture.bucket or AWS_REGION not set: captures stay in the local spool");
        }

        var stateReporter = new GreengrassStateReporter(client, log);
        var services = new PlatformServices(
            new GreengrassResultPublisher(client),
            new GreengrassConfigurationSource(client, options.Settings.Runtime, log, stateReporter),
            // The sink reports the uploader's failures in the health message.
            new SpoolCaptureSink(spool, uploader, log: log.Warn),
            stateReporter,
            $"Greengrass IPC, capture spool '{spool.Directory}'",
            client);
        if (uploader is not null)
        {
            services._uploader = Task.Run(() => uploader.RunAsync(services._background.Token), CancellationToken.None);
        }

        return services;
    }

    private static PlatformServices CreateLocal(CommandLineOptions options, ComponentLog log)
    {
        IResultPublisher publisher = options.ResultsFile is { } file
            ? new JsonLinesPublisher(new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read), ownsStream: true)
            : JsonLinesPublisher.StandardOutput();
        IRuntimeConfigurationSource configuration;
        if (options.ConfigFile is { } configFile)
        {
            var source = new FileRuntimeConfigurationSource(configFile, options.Settings.Runtime);
            source.Rejected += problems => log.Warn("ignored settings change: " + string.Join("; ", problems));
            configuration = source;
        }
        else
        {
            configuration = new StaticRuntimeConfigurationSource(options.Settings.Runtime);
        }

        var description = $"local: results to {(options.ResultsFile ?? "standard output")}, settings from {(options.ConfigFile ?? "arguments")}";
        return new PlatformServices(publisher, configuration, new NoOpCaptureSink(), new LogStateReporter(log), description);
    }

    public async ValueTask DisposeAsync()
    {
        await _background.CancelAsync().ConfigureAwait(false);
        try
        {
            await _uploader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped with the component.
        }

        if (CaptureSink is IAsyncDisposable sink)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        await Configuration.DisposeAsync().ConfigureAwait(false);
        await Publisher.DisposeAsync().ConfigureAwait(false);
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        _background.Dispose();
    }
}
