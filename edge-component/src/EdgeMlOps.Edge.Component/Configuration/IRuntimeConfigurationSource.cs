namespace EdgeMlOps.Edge.Component.Configuration;

/// <summary>
/// Supplies <see cref="RuntimeSettings"/> and announces changes (thresholds, interval, topics, capture) while the
/// component runs. Implementations: <see cref="StaticRuntimeConfigurationSource"/>,
/// <see cref="FileRuntimeConfigurationSource"/>, and a Greengrass one (configuration IPC). A source only ever
/// publishes settings that passed <see cref="RuntimeSettings.Validate"/>; invalid updates are reported and ignored.
/// </summary>
public interface IRuntimeConfigurationSource : IAsyncDisposable
{
    RuntimeSettings Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed to a new valid value.</summary>
    event Action<RuntimeSettings>? Changed;

    /// <summary>Starts watching for changes (returns once watching has begun).</summary>
    Task StartAsync(CancellationToken cancellationToken);
}

/// <summary>Fixed settings (arguments only).</summary>
public sealed class StaticRuntimeConfigurationSource(RuntimeSettings settings) : IRuntimeConfigurationSource
{
    public RuntimeSettings Current { get; } = settings;

    public event Action<RuntimeSettings>? Changed
    {
        add { }
        remove { }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// Base for sources that receive whole new settings: validates, swaps atomically, raises <see cref="Changed"/>, and
/// reports rejected updates through <see cref="Rejected"/>.
/// </summary>
public abstract class RuntimeConfigurationSourceBase(RuntimeSettings initial) : IRuntimeConfigurationSource
{
    private RuntimeSettings _current = initial;

    public RuntimeSettings Current => Volatile.Read(ref _current);

    public event Action<RuntimeSettings>? Changed;

    /// <summary>Raised with the problems when an update is refused (the previous settings stay).</summary>
    public event Action<IReadOnlyList<string>>? Rejected;

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Applies <paramref name="candidate"/> if valid; returns whether it was applied.</summary>
    protected bool TryApply(RuntimeSettings candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var problems = candidate.Validate();
        if (problems.Count > 0)
        {
            Rejected?.Invoke(problems);
            return false;
        }

        if (candidate == Current)
        {
            return false;
        }

        Volatile.Write(ref _current, candidate);
        Changed?.Invoke(candidate);
        return true;
    }

    protected void Reject(IReadOnlyList<string> problems) => Rejected?.Invoke(problems);
}

/// <summary>
/// Watches a JSON settings file (the same flat keys as --config) and applies its runtime keys when the file changes;
/// keys the file leaves out keep their current value.
/// Polls the modification time — robust on every file system, including bind mounts where inotify is silent.
/// </summary>
public sealed class FileRuntimeConfigurationSource : RuntimeConfigurationSourceBase
{
    private readonly string _path;
    private readonly TimeSpan _pollInterval;
    private readonly CancellationTokenSource _stop = new();
    private DateTime _lastWrite;
    private Task? _loop;

    public FileRuntimeConfigurationSource(string path, RuntimeSettings initial, TimeSpan? pollInterval = null)
        : base(initial)
    {
        _path = path;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
        _lastWrite = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        _loop = Task.Run(() => PollAsync(linked.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Reads the file now (also what each poll does when the modification time moved).</summary>
    public bool Reload()
    {
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_path), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return TryApply(SettingsJson.ParseRuntime(node, Current));
        }
        catch (SettingsException ex)
        {
            Reject(ex.Problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Reject([$"Settings file '{_path}' cannot be read: {ex.Message}"]);
        }

        return false;
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var lastWrite = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
                if (lastWrite != _lastWrite)
                {
                    _lastWrite = lastWrite;
                    Reload();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
