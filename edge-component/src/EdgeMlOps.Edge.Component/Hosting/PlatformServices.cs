using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;

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

    private PlatformServices(IResultPublisher publisher, IRuntimeConfigurationSource configuration, ICaptureSink captureSink,
        IComponentStateReporter stateReporter, string description)
    {
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

    public static Task<PlatformServices> CreateAsync(CommandLineOptions options, ComponentLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(IpcSocketVariable)))
        {
            log.Warn($"{IpcSocketVariable} is set but this build has no Greengrass IPC client wired in; results go to standard output.");
        }

        return Task.FromResult(CreateLocal(options, log));
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
        await Configuration.DisposeAsync().ConfigureAwait(false);
        await Publisher.DisposeAsync().ConfigureAwait(false);
    }
}
