using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>
/// A stand-in for the Greengrass nucleus IPC server: listens on a Unix socket, authenticates CONNECT by SVCUID
/// (refusals get CONNECT_ACK without CONNECTION_ACCEPTED, then a close, like the real server), and handles
/// PublishToIoTCore, GetConfiguration, SubscribeToConfigurationUpdate and UpdateState. Everything received is
/// recorded for assertions; configuration updates can be pushed and connections dropped on demand.
/// </summary>
public sealed class TestNucleus : IAsyncDisposable
{
    private readonly TestNucleusOptions _options;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _configuration;
    private readonly List<NucleusSession> _sessions = [];
    private readonly Dictionary<string, NucleusFault> _faults = [];
    private readonly Task _acceptLoop;
    private int _nextConnectionId;
    private int _accepted;
    private int _rejected;

    private TestNucleus(TestNucleusOptions options, Socket listener)
    {
        _options = options;
        _listener = listener;
        _configuration = options.Configuration.ToDictionary(c => c.Key, c => (JsonObject)c.Value.DeepClone());
        _configuration.TryAdd(options.ComponentName, []);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts listening on <see cref="TestNucleusOptions.SocketPath"/>.</summary>
    public static TestNucleus Start(TestNucleusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.SocketPath);
        if (File.Exists(options.SocketPath))
        {
            File.Delete(options.SocketPath);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(options.SocketPath));
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new TestNucleus(options, listener);
    }

    public string SocketPath => _options.SocketPath;

    public string AuthToken => _options.AuthToken;

    public string ComponentName => _options.ComponentName;

    public ReceivedLog<PublishedMessage> Publishes { get; } = new();

    public ReceivedLog<ReportedState> States { get; } = new();

    /// <summary>Every operation request, in arrival order (a subscription is logged once it is registered).</summary>
    public ReceivedLog<ReceivedOperation> Operations { get; } = new();

    public int AcceptedConnections => Volatile.Read(ref _accepted);

    public int RejectedConnections => Volatile.Read(ref _rejected);

    public int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>A copy of a component's configuration tree.</summary>
    public JsonObject ConfigurationOf(string? componentName = null)
    {
        lock (_lock)
        {
            return _configuration.TryGetValue(componentName ?? ComponentName, out var tree) ? (JsonObject)tree.DeepClone() : [];
        }
    }

    /// <summary>
    /// Sets the value at <paramref name="keyPath"/> (creating parents) and sends a ConfigurationUpdateEvents event to
    /// every subscription whose key path contains, or lies under, the changed path. Returns how many were notified.
    /// </summary>
    public async Task<int> PushConfigurationUpdate(IReadOnlyList<string> keyPath, JsonNode? value, string? componentName = null)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        if (keyPath.Count == 0)
        {
            throw new ArgumentException("A configuration update needs a non-empty key path.", nameof(keyPath));
        }

        var component = componentName ?? ComponentName;
        NucleusSession[] sessions;
        lock (_lock)
        {
            if (!_configuration.TryGetValue(component, out var node))
            {
                node = [];
                _configuration[component] = node;
            }

            foreach (var key in keyPath.Take(keyPath.Count - 1))
            {
                if (node[key] is not JsonObject child)
                {
                    child = [];
                    node[key] = child;
                }

                node = child;
            }

            node[keyPath[^1]] = value?.DeepClone();
            sessions = [.. _sessions];
        }

        var notified = 0;
        foreach (var session in sessions)
        {
            notified += await session.NotifyConfigurationChangedAsync(component, keyPath).ConfigureAwait(false);
        }

        return notified;
    }

    /// <summary>Makes the next request of <paramref name="operation"/> (e.g. "aws.greengrass#PublishToIoTCore") misbehave once.</summary>
    public void InjectFault(string operation, NucleusFault fault)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        lock (_lock)
        {
            _faults[operation] = fault;
        }
    }

    internal NucleusFault? TakeFault(string operation)
    {
        lock (_lock)
        {
            return _faults.Remove(operation, out var fault) ? fault : null;
        }
    }

    /// <summary>Drops every open connection at once, as a nucleus restart would.</summary>
    public async Task DisconnectAll()
    {
        NucleusSession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends a PING on every open connection and waits for each PING_RESPONSE; returns how many answered.</summary>
    public async Task<int> PingAllAsync(TimeSpan timeout)
    {
        NucleusSession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }

        var answers = await Task.WhenAll(sessions.Select(s => s.PingAsync(timeout))).ConfigureAwait(false);
        return answers.Count(answered => answered);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await DisconnectAll().ConfigureAwait(false);
        if (File.Exists(SocketPath))
        {
            File.Delete(SocketPath);
        }

        _stopping.Dispose();
    }

    internal bool Authenticate(string? token) => token is not null && token == _options.AuthToken;

    /// <summary>Whether the component may publish to <paramref name="topic"/>: not denied and, when enforced, granted by its access control.</summary>
    internal bool MayPublish(string component, string topic)
    {
        if (_options.DeniedTopics.Contains(topic))
        {
            return false;
        }

        if (!_options.EnforceAccessControl)
        {
            return true;
        }

        JsonObject? configuration;
        lock (_lock)
        {
            // Read at each request: a configuration merge that changes the policy applies at once, as in the nucleus.
            configuration = _configuration.TryGetValue(component, out var tree) ? tree : null;
            return MqttProxyAccessControl.FromComponentConfiguration(configuration, _options.ThingName)
                .Allows("aws.greengrass#PublishToIoTCore", topic);
        }
    }

    internal void CountHandshake(bool accepted) => Interlocked.Increment(ref accepted ? ref _accepted : ref _rejected);

    /// <summary>Looks up <paramref name="keyPath"/>; null when it does not exist. A leaf comes back as {leafKey: value}, as the nucleus does.</summary>
    internal JsonObject? ReadConfiguration(string component, IReadOnlyList<string> keyPath)
    {
        lock (_lock)
        {
            if (!_configuration.TryGetValue(component, out var tree))
            {
                return null;
            }

            JsonNode? node = tree;
            foreach (var key in keyPath)
            {
                if (node is not JsonObject parent || !parent.TryGetPropertyValue(key, out node))
                {
                    return null;
                }
            }

            return node switch
            {
                JsonObject obj => (JsonObject)obj.DeepClone(),
                _ when keyPath.Count > 0 => new JsonObject { [keyPath[^1]] = node?.DeepClone() },
                _ => null,
            };
        }
    }

    internal void Forget(NucleusSession session)
    {
        lock (_lock)
        {
            _sessions.Remove(session);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var session = new NucleusSession(this, Interlocked.Increment(ref _nextConnectionId), client);
            lock (_lock)
            {
                _sessions.Add(session);
            }

            session.Start();
        }
    }
}
