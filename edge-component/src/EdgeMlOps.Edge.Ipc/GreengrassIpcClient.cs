using System.Text.Json;
using EdgeMlOps.Edge.Ipc.Connection;
using EdgeMlOps.Edge.Ipc.Operations;

namespace EdgeMlOps.Edge.Ipc;

/// <summary>
/// Greengrass IPC client for a component: connects to the nucleus socket with its SVCUID, runs each operation
/// on its own event-stream, reconnects with exponential backoff and jitter, and re-opens configuration
/// subscriptions after a reconnect. Safe to use from several threads.
/// </summary>
public sealed class GreengrassIpcClient : IAsyncDisposable
{
    private readonly GreengrassIpcClientOptions _options;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly CancellationTokenSource _disposal = new();
    private readonly object _lock = new();
    private readonly List<ConfigurationSubscription> _subscriptions = [];
    private IpcConnection? _connection;
    private bool _resubscribing;
    private int _connectCount;

    public GreengrassIpcClient(GreengrassIpcClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid GreengrassIpcClientOptions: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
    }

    /// <summary>
    /// Builds a client from the variables Greengrass sets for a component (the socket path and SVCUID);
    /// other settings come from <paramref name="options"/>. Returns null when the socket variable is absent,
    /// that is, when not running under a Greengrass nucleus.
    /// </summary>
    public static GreengrassIpcClient? FromEnvironment(GreengrassIpcClientOptions? options = null)
    {
        var socketPath = Environment.GetEnvironmentVariable(GreengrassIpcClientOptions.SocketPathVariable);
        if (string.IsNullOrEmpty(socketPath))
        {
            return null;
        }

        var token = Environment.GetEnvironmentVariable(GreengrassIpcClientOptions.AuthTokenVariable) ?? "";
        return new GreengrassIpcClient((options ?? new GreengrassIpcClientOptions()) with { SocketPath = socketPath, AuthToken = token });
    }

    /// <summary>Whether a connection is established right now.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _connection?.State == IpcConnectionState.Connected;
            }
        }
    }

    /// <summary>Number of successful handshakes so far (1 after the first connect, +1 per reconnect).</summary>
    public int ConnectCount => Volatile.Read(ref _connectCount);

    /// <summary>Connects, retrying with backoff; throws <see cref="IpcConnectionRejectedException"/> at once if the token is refused.</summary>
    public Task ConnectAsync(CancellationToken ct) => EnsureConnectedAsync(ct);

    public async Task PublishToIoTCoreAsync(string topicName, ReadOnlyMemory<byte> payload, IoTCoreQos qos, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicName);
        await InvokeAsync(GreengrassOperations.PublishToIoTCore, IpcRequests.PublishToIoTCore(topicName, payload, qos), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns the <c>value</c> member of the response: the configuration object at <paramref name="keyPath"/>
    /// (a leaf comes back as <c>{leafKey: value}</c>); an undefined element if the response has none.
    /// <paramref name="componentName"/> null means the calling component.
    /// </summary>
    public async Task<JsonElement> GetConfigurationAsync(string? componentName, IReadOnlyList<string> keyPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        var response = await InvokeAsync(GreengrassOperations.GetConfiguration, IpcRequests.ComponentKeyPath(componentName, keyPath), ct)
            .ConfigureAwait(false);
        using var json = JsonDocument.Parse(response.Payload);
        return json.RootElement.TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>
    /// Subscribes to changes at <paramref name="keyPath"/>; <paramref name="onUpdate"/> runs once per event, in order.
    /// The subscription survives reconnects. Dispose the result to end it.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeToConfigurationUpdateAsync(
        string? componentName, IReadOnlyList<string> keyPath, Func<ConfigurationUpdate, Task> onUpdate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        ArgumentNullException.ThrowIfNull(onUpdate);
        var subscription = new ConfigurationSubscription(this, componentName, [.. keyPath], onUpdate, _options.OnBackgroundError);
        // Listed before the first open, so a drop right after it is resubscribed too.
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        try
        {
            await RunWithRetriesAsync(connection => subscription.OpenAsync(connection, _options.OperationTimeout, ct), ct).ConfigureAwait(false);
        }
        catch
        {
            Remove(subscription);
            await subscription.CloseAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    public async Task UpdateStateAsync(ReportedLifecycleState state, CancellationToken ct) =>
        await InvokeAsync(GreengrassOperations.UpdateState, IpcRequests.UpdateState(state), ct).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_disposal.IsCancellationRequested)
        {
            return;
        }

        _disposal.Cancel();
        ConfigurationSubscription[] subscriptions;
        IpcConnection? connection;
        lock (_lock)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
            connection = _connection;
            _connection = null;
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.CloseAsync().ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Remove(ConfigurationSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private async Task<Framing.IpcMessage> InvokeAsync(IpcOperationModel operation, byte[] request, CancellationToken ct)
    {
        Framing.IpcMessage? response = null;
        await RunWithRetriesAsync(
            async connection => response = await IpcOperationCall.InvokeAsync(connection, operation, request, _options.OperationTimeout, ct).ConfigureAwait(false),
            ct).ConfigureAwait(false);
        return response!;
    }

    private async Task RunWithRetriesAsync(Func<IpcConnection, Task> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = await EnsureConnectedAsync(ct).ConfigureAwait(false);
            try
            {
                await call(connection).ConfigureAwait(false);
                return;
            }
            catch (IpcConnectionLostException) when (attempt < _options.OperationRetries && !ct.IsCancellationRequested)
            {
                // The socket dropped under the call: reconnect (with backoff) and send it again.
            }
        }
    }

    private async Task<IpcConnection> EnsureConnectedAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposal.IsCancellationRequested, this);
        var current = CurrentConnection();
        if (current is not null)
        {
            return current;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposal.Token);
        await _connectGate.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            current = CurrentConnection();
            if (current is not null)
            {
                return current;
            }

            var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var connection = await IpcConnection.OpenAsync(_options.SocketPath, _options.AuthToken, _options.ConnectTimeout, linked.Token)
                        .ConfigureAwait(false);
                    connection.Closed += OnConnectionClosed;
                    lock (_lock)
                    {
                        if (!_disposal.IsCancellationRequested)
                        {
                            _connection = connection;
                        }
                    }

                    if (_disposal.IsCancellationRequested)
                    {
                        // DisposeAsync ran while we were connecting: this connection has no owner.
                        await connection.DisposeAsync().ConfigureAwait(false);
                        throw new ObjectDisposedException(nameof(GreengrassIpcClient));
                    }

                    Interlocked.Increment(ref _connectCount);
                    if (connection.State != IpcConnectionState.Connected)
                    {
                        // Closed between the handshake and the subscription to Closed: treat as a failed attempt.
                        throw new IpcConnectionLostException("The connection closed right after CONNECT_ACK.");
                    }

                    return connection;
                }
                catch (Exception ex) when (ex is IpcConnectionLostException or IpcTimeoutException or IpcProtocolException
                                           && (_options.MaxConnectAttempts is null || attempt < _options.MaxConnectAttempts))
                {
                    await Task.Delay(backoff.NextDelay(), linked.Token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private IpcConnection? CurrentConnection()
    {
        lock (_lock)
        {
            return _connection?.State == IpcConnectionState.Connected ? _connection : null;
        }
    }

    private void OnConnectionClosed(Exception reason)
    {
        lock (_lock)
        {
            if (_disposal.IsCancellationRequested || _subscriptions.Count == 0 || _resubscribing)
            {
                return;
            }

            _resubscribing = true;
        }

        _ = Task.Run(ResubscribeAsync);
    }

    /// <summary>After a drop, reconnects in the background (with backoff) and re-opens every live subscription.</summary>
    private async Task ResubscribeAsync()
    {
        var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay);
        var done = false;
        try
        {
            while (!done)
            {
                try
                {
                    var connection = await EnsureConnectedAsync(_disposal.Token).ConfigureAwait(false);
                    ConfigurationSubscription[] subscriptions;
                    lock (_lock)
                    {
                        subscriptions = [.. _subscriptions];
                    }

                    foreach (var subscription in subscriptions)
                    {
                        await subscription.OpenAsync(connection, _options.OperationTimeout, _disposal.Token).ConfigureAwait(false);
                    }

                    done = true;
                }
                catch (Exception ex) when (ex is IpcConnectionLostException or IpcTimeoutException or IpcProtocolException)
                {
                    // Dropped again, or connect attempts ran out: wait, then start over.
                    await Task.Delay(backoff.NextDelay(), _disposal.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_disposal.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // For example the token was refused: retrying cannot help, so report and stop.
            _options.OnBackgroundError?.Invoke(ex);
        }
        finally
        {
            lock (_lock)
            {
                _resubscribing = false;
            }
        }

        // A drop after the loop re-opened everything found no loop to start: check once more.
        if (done && !_disposal.IsCancellationRequested && CurrentConnection() is null)
        {
            OnConnectionClosed(new IpcConnectionLostException("Connection lost during resubscription."));
        }
    }
}
