using System.Text.Json.Nodes;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>
/// Runtime settings from the component's Greengrass configuration. The recipe does not pass the runtime keys on the
/// command line (an interpolated key would restart the component on every change), so this source is their only way
/// in: <see cref="StartAsync"/> subscribes to configuration updates, then reads the whole configuration, and returns
/// only once a valid configuration has been read — the host processes no frame and publishes nothing before that, so
/// nothing ever goes to a default topic. Afterwards each update event re-reads the changed key; invalid updates are
/// logged and ignored.
/// </summary>
public sealed class GreengrassConfigurationSource : RuntimeConfigurationSourceBase
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(30);
    private readonly GreengrassIpcClient _client;
    private readonly ComponentLog _log;
    private readonly IComponentStateReporter? _stateReporter;
    private readonly TimeSpan _initialRetryDelay;
    private readonly TimeSpan _maxRetryDelay;
    private readonly SemaphoreSlim _updateArrived = new(0);
    private IAsyncDisposable? _subscription;
    private CancellationToken _stopping;
    private volatile bool _loaded;
    private int _updatesBeforeLoaded;

    /// <param name="client">The IPC client.</param>
    /// <param name="initial">Start-up values; replaced by the component configuration before <see cref="StartAsync"/> returns.</param>
    /// <param name="log">Where refused configurations and IPC failures are logged.</param>
    /// <param name="stateReporter">Told ERRORED while the configuration is invalid at start. Default: none.</param>
    /// <param name="initialRetryDelay">First wait before re-reading an unreadable or invalid configuration; doubles up to 30 s. Default: 1 s.</param>
    public GreengrassConfigurationSource(GreengrassIpcClient client, RuntimeSettings initial, ComponentLog log,
        IComponentStateReporter? stateReporter = null, TimeSpan? initialRetryDelay = null)
        : base(initial)
    {
        _client = client;
        _log = log;
        _stateReporter = stateReporter;
        _initialRetryDelay = initialRetryDelay ?? TimeSpan.FromSeconds(1);
        _maxRetryDelay = TimeSpan.FromSeconds(30);
        Rejected += problems => _log.Warn("ignored configuration: " + string.Join("; ", problems));
    }

    /// <summary>Whether a valid component configuration has been read.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>
    /// Returns once a valid configuration has been read, retrying (with backoff, or at once when an update arrives)
    /// while the nucleus cannot be reached or the configuration is invalid. Throws only when cancelled.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        var delay = _initialRetryDelay;
        var reportedErrored = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(OperationTimeout);
                // Subscribe before reading, so a change made between the two is not missed.
                _subscription ??= await _client.SubscribeToConfigurationUpdateAsync(null, [], OnUpdateAsync, bounded.Token).ConfigureAwait(false);
                var updatesSeen = Volatile.Read(ref _updatesBeforeLoaded);
                var problems = await ReloadAsync([], bounded.Token).ConfigureAwait(false);
                if (problems.Count == 0)
                {
                    _loaded = true;
                    if (Volatile.Read(ref _updatesBeforeLoaded) != updatesSeen)
                    {
                        // An update arrived while the first read was in flight: read once more so it is not lost.
                        await ReloadAsync([], bounded.Token).ConfigureAwait(false);
                    }

                    return;
                }

                if (!reportedErrored && _stateReporter is not null)
                {
                    reportedErrored = true;
                    await _stateReporter.ReportAsync(ComponentState.Errored, bounded.Token).ConfigureAwait(false);
                }

                _log.Error($"the component configuration is invalid; waiting for a valid one before processing frames (retry in {delay.TotalSeconds:0.#} s)");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _log.Warn($"reading the component configuration failed (retry in {delay.TotalSeconds:0.#} s): {ex.Message}");
            }

            // An update event (a fix being deployed) ends the wait early.
            await _updateArrived.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxRetryDelay.Ticks));
        }
    }

    private async Task OnUpdateAsync(ConfigurationUpdate update)
    {
        if (!_loaded)
        {
            // Start-up still waits for a whole valid configuration: wake it instead of applying one key over defaults.
            Interlocked.Increment(ref _updatesBeforeLoaded);
            _updateArrived.Release();
            return;
        }

        try
        {
            await ReloadAsync(update.KeyPath, _stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // The previous settings stay; the next update event reads again.
            _log.Warn($"reading the configuration update at '{string.Join('/', update.KeyPath)}' failed: {ex.Message}");
        }
    }

    /// <summary>
    /// Applies the configuration under <paramref name="changedPath"/> (everything for an empty path) over the current
    /// settings and returns the problems (empty when valid). Only the changed key is taken, so one invalid value
    /// elsewhere does not block later valid updates.
    /// </summary>
    private async Task<IReadOnlyList<string>> ReloadAsync(IReadOnlyList<string> changedPath, CancellationToken cancellationToken)
    {
        var configuration = await _client.GetConfigurationAsync(null, [], cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> problems;
        try
        {
            var full = JsonNode.Parse(configuration.GetRawText());
            var candidate = SettingsJson.ParseRuntime(Subtree(full, changedPath), Current);
            problems = candidate.Validate();
            if (problems.Count == 0)
            {
                TryApply(candidate);
                return problems;
            }
        }
        catch (SettingsException ex)
        {
            problems = ex.Problems;
        }

        Reject(problems);
        return problems;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        _updateArrived.Dispose();
    }

    /// <summary>The node at <paramref name="path"/> inside <paramref name="root"/>, nested back under the same keys.</summary>
    private static JsonNode? Subtree(JsonNode? root, IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return root;
        }

        var node = root;
        foreach (var key in path)
        {
            node = node is JsonObject parent && parent.TryGetPropertyValue(key, out var child) ? child : null;
        }

        if (node is null)
        {
            return null; // removed key: keep the current value
        }

        var result = node.DeepClone();
        for (var i = path.Count - 1; i >= 0; i--)
        {
            result = new JsonObject { [path[i]] = result };
        }

        return result;
    }
}
