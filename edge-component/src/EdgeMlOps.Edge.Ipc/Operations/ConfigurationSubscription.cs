using System.Text.Json;
using EdgeMlOps.Edge.Ipc.Connection;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>
/// A live <c>SubscribeToConfigurationUpdate</c>: its stream on the current connection and the pump that hands
/// each <c>ConfigurationUpdateEvents</c> message to the handler. Re-opened by the client after a reconnect.
/// </summary>
internal sealed class ConfigurationSubscription : IAsyncDisposable
{
    private readonly GreengrassIpcClient _client;
    private readonly string? _componentName;
    private readonly IReadOnlyList<string> _keyPath;
    private readonly Func<ConfigurationUpdate, Task> _onUpdate;
    private readonly Action<Exception>? _onError;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private OperationStream? _stream;
    private IpcConnection? _connection;
    private bool _closed;

    public ConfigurationSubscription(
        GreengrassIpcClient client, string? componentName, IReadOnlyList<string> keyPath,
        Func<ConfigurationUpdate, Task> onUpdate, Action<Exception>? onError)
    {
        _client = client;
        _componentName = componentName;
        _keyPath = keyPath;
        _onUpdate = onUpdate;
        _onError = onError;
    }

    /// <summary>
    /// Opens the subscription's stream on <paramref name="connection"/> unless it is already open there (or closed).
    /// Serialised, so the first subscribe and a background resubscribe never open two streams.
    /// </summary>
    public async Task OpenAsync(IpcConnection connection, TimeSpan timeout, CancellationToken ct)
    {
        await _openGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_closed || (ReferenceEquals(_connection, connection) && _stream is not null))
                {
                    return;
                }
            }

            var (stream, _) = await IpcOperationCall.StartAsync(
                connection, GreengrassOperations.SubscribeToConfigurationUpdate, IpcRequests.ComponentKeyPath(_componentName, _keyPath), timeout, ct)
                .ConfigureAwait(false);
            lock (_lock)
            {
                if (!_closed)
                {
                    _stream = stream;
                    _connection = connection;
                    _ = Task.Run(() => PumpAsync(stream));
                    return;
                }
            }

            await stream.TerminateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _openGate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Remove(this);
        return new ValueTask(CloseAsync());
    }

    public async Task CloseAsync()
    {
        OperationStream? stream;
        lock (_lock)
        {
            _closed = true;
            stream = _stream;
            _stream = null;
        }

        if (stream is not null)
        {
            await stream.TerminateAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(OperationStream stream)
    {
        try
        {
            await foreach (var message in stream.Events.ReadAllAsync().ConfigureAwait(false))
            {
                var update = Parse(message);
                if (update is null)
                {
                    continue;
                }

                try
                {
                    await _onUpdate(update).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _onError?.Invoke(ex);
                }
            }
        }
        catch (Exception ex) when (ex is IpcConnectionLostException or OperationCanceledException)
        {
            // The client re-opens the stream after a reconnect; a local close needs nothing.
        }
        catch (Exception ex)
        {
            _onError?.Invoke(ex);
        }
    }

    private ConfigurationUpdate? Parse(IpcMessage message)
    {
        using var json = JsonDocument.Parse(message.Payload);
        if (!json.RootElement.TryGetProperty("configurationUpdateEvent", out var e))
        {
            return null;
        }

        var component = e.TryGetProperty("componentName", out var c) ? c.GetString() ?? "" : _componentName ?? "";
        var keyPath = e.TryGetProperty("keyPath", out var k) && k.ValueKind == JsonValueKind.Array
            ? k.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : [];
        return new ConfigurationUpdate(component, keyPath);
    }
}
