using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>
/// Runtime settings from the component's Greengrass configuration: read once at start, then re-read on every
/// configuration update event (IPC SubscribeToConfigurationUpdate). Invalid updates are logged and ignored.
/// </summary>
public sealed class GreengrassConfigurationSource : RuntimeConfigurationSourceBase
{
    private readonly GreengrassIpcClient _client;
    private readonly ComponentLog _log;
    private IAsyncDisposable? _subscription;
    private CancellationToken _stopping;

    public GreengrassConfigurationSource(GreengrassIpcClient client, RuntimeSettings initial, ComponentLog log)
        : base(initial)
    {
        _client = client;
        _log = log;
        Rejected += problems => _log.Warn("ignored configuration update: " + string.Join("; ", problems));
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        try
        {
            // Bounded: start-up must not wait forever for an unreachable nucleus.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(TimeSpan.FromSeconds(30));
            await ReloadAsync(bounded.Token).ConfigureAwait(false);
            _subscription = await _client.SubscribeToConfigurationUpdateAsync(null, [], _ => ReloadAsync(_stopping), bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The start-up values (from the recipe's arguments) stay in force.
            _log.Warn($"configuration updates unavailable: {ex.Message}");
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await _client.GetConfigurationAsync(null, [], cancellationToken).ConfigureAwait(false);
            TryApply(SettingsJson.ParseRuntime(System.Text.Json.Nodes.JsonNode.Parse(configuration.GetRawText()), Current));
        }
        catch (SettingsException ex)
        {
            Reject(ex.Problems);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }
    }
}
