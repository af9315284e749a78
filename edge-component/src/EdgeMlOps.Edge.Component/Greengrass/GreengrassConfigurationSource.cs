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
            await ReloadAsync([], bounded.Token).ConfigureAwait(false);
            _subscription = await _client.SubscribeToConfigurationUpdateAsync(null, [], update => ReloadAsync(update.KeyPath, _stopping), bounded.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The start-up values (from the recipe's arguments) stay in force.
            _log.Warn($"configuration updates unavailable: {ex.Message}");
        }
    }

    /// <summary>
    /// Applies the configuration under <paramref name="changedPath"/> (everything for an empty path) over the current
    /// settings. Only the changed key is taken, so one invalid value elsewhere does not block later valid updates.
    /// </summary>
    private async Task ReloadAsync(IReadOnlyList<string> changedPath, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await _client.GetConfigurationAsync(null, [], cancellationToken).ConfigureAwait(false);
            var full = System.Text.Json.Nodes.JsonNode.Parse(configuration.GetRawText());
            TryApply(SettingsJson.ParseRuntime(Subtree(full, changedPath), Current));
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

    /// <summary>The node at <paramref name="path"/> inside <paramref name="root"/>, nested back under the same keys.</summary>
    private static System.Text.Json.Nodes.JsonNode? Subtree(System.Text.Json.Nodes.JsonNode? root, IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return root;
        }

        var node = root;
        foreach (var key in path)
        {
            node = node is System.Text.Json.Nodes.JsonObject parent && parent.TryGetPropertyValue(key, out var child) ? child : null;
        }

        if (node is null)
        {
            return null; // removed key: keep the current value
        }

        var result = node.DeepClone();
        for (var i = path.Count - 1; i >= 0; i--)
        {
            result = new System.Text.Json.Nodes.JsonObject { [path[i]] = result };
        }

        return result;
    }
}
