using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>One client connection to the test nucleus: handshake, then one handler per operation stream.</summary>
internal sealed class NucleusSession : IAsyncDisposable
{
    private const string GreengrassPrefix = "aws.greengrass#";

    private readonly TestNucleus _nucleus;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly object _lock = new();
    private readonly Dictionary<int, (string Component, string[] KeyPath)> _subscriptions = [];
    private readonly HashSet<int> _seenStreams = [];
    private TaskCompletionSource? _pendingPing;
    private Task _loop = Task.CompletedTask;

    public NucleusSession(TestNucleus nucleus, int connectionId, Socket socket)
    {
        _nucleus = nucleus;
        ConnectionId = connectionId;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public int ConnectionId { get; }

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task<int> NotifyConfigurationChangedAsync(string component, IReadOnlyList<string> changedPath)
    {
        int[] targets;
        lock (_lock)
        {
            targets = [.. _subscriptions
                .Where(s => s.Value.Component == component && (IsPrefix(s.Value.KeyPath, changedPath) || IsPrefix(changedPath, s.Value.KeyPath)))
                .Select(s => s.Key)];
        }

        var body = new JsonObject
        {
            ["configurationUpdateEvent"] = new JsonObject
            {
                ["componentName"] = component,
                ["keyPath"] = new JsonArray([.. changedPath.Select(k => JsonValue.Create(k))]),
            },
        };
        var sent = 0;
        foreach (var streamId in targets)
        {
            if (await TrySendAsync(Json(IpcMessageType.ApplicationMessage, streamId, IpcMessageFlags.None, GreengrassPrefix + "ConfigurationUpdateEvents", body))
                .ConfigureAwait(false))
            {
                sent++;
            }
        }

        return sent;
    }

    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pendingPing = answered;
        }

        if (!await TrySendAsync(IpcMessage.Create(IpcMessageType.Ping, 0)).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await answered.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closing.IsCancellationRequested)
        {
            _closing.Cancel();
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        _nucleus.Forget(this);
    }

    private async Task RunAsync()
    {
        try
        {
            if (!await HandshakeAsync().ConfigureAwait(false))
            {
                return;
            }

            while (!_closing.IsCancellationRequested)
            {
                var message = await IpcFrameCodec.ReadAsync(_stream, _closing.Token).ConfigureAwait(false);
                if (message is null)
                {
                    return;
                }

                await HandleAsync(message).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or Ipc.IpcProtocolException)
        {
            // The client went away or sent garbage: either way this connection is over.
        }
        finally
        {
            _socket.Dispose();
            _nucleus.Forget(this);
        }
    }

    private async Task<bool> HandshakeAsync()
    {
        var connect = await IpcFrameCodec.ReadAsync(_stream, _closing.Token).ConfigureAwait(false);
        if (connect is null)
        {
            return false;
        }

        var accepted = connect.Type == IpcMessageType.Connect
            && connect.Header(IpcHeaders.Version) == IpcHeaders.ProtocolVersion
            && _nucleus.Authenticate(ReadAuthToken(connect.Payload));
        _nucleus.CountHandshake(accepted);
        await SendAsync(IpcMessage.Create(IpcMessageType.ConnectAck, 0, accepted ? IpcMessageFlags.ConnectionAccepted : IpcMessageFlags.None))
            .ConfigureAwait(false);
        if (!accepted)
        {
            // The real server closes right after the refusal; give the client up to 2 s to read it and hang up
            // first, so tests see the refusal itself rather than a race between it and the close.
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            grace.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (await IpcFrameCodec.ReadAsync(_stream, grace.Token).ConfigureAwait(false) is not null)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        return accepted;
    }

    private async Task HandleAsync(IpcMessage message)
    {
        switch (message.Type)
        {
            case IpcMessageType.Ping:
                await SendAsync(IpcMessage.Create(IpcMessageType.PingResponse, 0, IpcMessageFlags.None, null, message.Payload)).ConfigureAwait(false);
                return;
            case IpcMessageType.PingResponse:
                lock (_lock)
                {
                    _pendingPing?.TrySetResult();
                }

                return;
            case IpcMessageType.ApplicationMessage or IpcMessageType.ApplicationError:
                break;
            default:
                await SendAsync(Json(IpcMessageType.ProtocolError, 0, IpcMessageFlags.None, null, new JsonObject { ["message"] = $"Unexpected {message.Type}." }))
                    .ConfigureAwait(false);
                _closing.Cancel();
                return;
        }

        bool isNewStream;
        lock (_lock)
        {
            isNewStream = _seenStreams.Add(message.StreamId);
            if (!isNewStream && message.Terminates)
            {
                _subscriptions.Remove(message.StreamId);
            }
        }

        if (!isNewStream)
        {
            // Later client messages on a stream (only TERMINATE_STREAM for the operations served here).
            return;
        }

        var operation = message.Header(IpcHeaders.Operation) ?? "";
        JsonNode? request;
        try
        {
            request = message.Payload.IsEmpty ? new JsonObject() : JsonNode.Parse(Encoding.UTF8.GetString(message.Payload.Span));
        }
        catch (JsonException ex)
        {
            await ErrorAsync(message.StreamId, "InvalidArgumentsError", $"Request body is not JSON: {ex.Message}").ConfigureAwait(false);
            return;
        }

        await DispatchAsync(message.StreamId, operation, request as JsonObject ?? []).ConfigureAwait(false);
    }

    private async Task DispatchAsync(int streamId, string operation, JsonObject request)
    {
        var log = new ReceivedOperation(ConnectionId, streamId, operation, request.DeepClone());
        switch (_nucleus.TakeFault(operation))
        {
            case NucleusFault.DropConnection:
                _nucleus.Operations.Add(log);
                _closing.Cancel();
                _socket.Dispose();
                return;
            case NucleusFault.NoResponse:
                _nucleus.Operations.Add(log);
                return;
            case NucleusFault.ServiceError:
                _nucleus.Operations.Add(log);
                await ErrorAsync(streamId, "ServiceError", "Injected service failure.").ConfigureAwait(false);
                return;
        }

        switch (operation)
        {
            case GreengrassPrefix + "PublishToIoTCore":
                _nucleus.Operations.Add(log);
                await PublishAsync(streamId, request).ConfigureAwait(false);
                break;
            case GreengrassPrefix + "GetConfiguration":
                _nucleus.Operations.Add(log);
                await GetConfigurationAsync(streamId, request).ConfigureAwait(false);
                break;
            case GreengrassPrefix + "SubscribeToConfigurationUpdate":
                await SubscribeAsync(streamId, request, log).ConfigureAwait(false);
                break;
            case GreengrassPrefix + "UpdateState":
                _nucleus.Operations.Add(log);
                await UpdateStateAsync(streamId, request).ConfigureAwait(false);
                break;
            default:
                _nucleus.Operations.Add(log);
                // The real server's answer to an operation it does not serve: an unmodelled ApplicationError.
                await SendAsync(Json(IpcMessageType.ApplicationError, streamId, IpcMessageFlags.TerminateStream, null,
                    new JsonObject { ["error"] = "Unsupported Operation", ["message"] = $"{operation} is an unsupported operation." })).ConfigureAwait(false);
                break;
        }
    }

    private async Task PublishAsync(int streamId, JsonObject request)
    {
        var topic = request["topicName"]?.GetValue<string>();
        var qos = request["qos"]?.GetValue<string>();
        if (string.IsNullOrEmpty(topic) || qos is not ("0" or "1"))
        {
            await ErrorAsync(streamId, "InvalidArgumentsError", "topicName is required and qos must be \"0\" or \"1\".").ConfigureAwait(false);
            return;
        }

        if (!_nucleus.MayPublish(_nucleus.ComponentName, topic))
        {
            await ErrorAsync(streamId, "UnauthorizedError", $"Principal {_nucleus.ComponentName} is not authorized to perform aws.greengrass.ipc.mqttproxy:aws.greengrass#PublishToIoTCore on resource {topic}")
                .ConfigureAwait(false);
            return;
        }

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(request["payload"]?.GetValue<string>() ?? "");
        }
        catch (FormatException)
        {
            await ErrorAsync(streamId, "InvalidArgumentsError", "payload is not base64.").ConfigureAwait(false);
            return;
        }

        _nucleus.Publishes.Add(new PublishedMessage(_nucleus.ComponentName, topic, qos, payload));
        await RespondAsync(streamId, "PublishToIoTCoreResponse", [], terminate: true).ConfigureAwait(false);
    }

    private async Task GetConfigurationAsync(int streamId, JsonObject request)
    {
        var component = request["componentName"]?.GetValue<string>() ?? _nucleus.ComponentName;
        var keyPath = KeyPath(request);
        var value = _nucleus.ReadConfiguration(component, keyPath);
        if (value is null)
        {
            await ErrorAsync(streamId, "ResourceNotFoundError", $"Key not found: {component} {string.Join('/', keyPath)}",
                new JsonObject { ["resourceType"] = "configuration", ["resourceName"] = string.Join('.', keyPath) }).ConfigureAwait(false);
            return;
        }

        await RespondAsync(streamId, "GetConfigurationResponse", new JsonObject { ["componentName"] = component, ["value"] = value }, terminate: true)
            .ConfigureAwait(false);
    }

    private async Task SubscribeAsync(int streamId, JsonObject request, ReceivedOperation log)
    {
        var component = request["componentName"]?.GetValue<string>() ?? _nucleus.ComponentName;
        lock (_lock)
        {
            _subscriptions[streamId] = (component, KeyPath(request));
        }

        _nucleus.Operations.Add(log);
        await RespondAsync(streamId, "SubscribeToConfigurationUpdateResponse", [], terminate: false).ConfigureAwait(false);
    }

    private async Task UpdateStateAsync(int streamId, JsonObject request)
    {
        var state = request["state"]?.GetValue<string>();
        if (state is not ("RUNNING" or "ERRORED"))
        {
            await ErrorAsync(streamId, "InvalidArgumentsError", $"state must be RUNNING or ERRORED, got '{state}'.").ConfigureAwait(false);
            return;
        }

        _nucleus.States.Add(new ReportedState(_nucleus.ComponentName, state));
        await RespondAsync(streamId, "UpdateStateResponse", [], terminate: true).ConfigureAwait(false);
    }

    private Task RespondAsync(int streamId, string shape, JsonObject body, bool terminate) =>
        SendAsync(Json(IpcMessageType.ApplicationMessage, streamId, terminate ? IpcMessageFlags.TerminateStream : IpcMessageFlags.None, GreengrassPrefix + shape, body));

    private Task ErrorAsync(int streamId, string errorShape, string text, JsonObject? extra = null)
    {
        var body = new JsonObject { ["message"] = text };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return SendAsync(Json(IpcMessageType.ApplicationError, streamId, IpcMessageFlags.TerminateStream, GreengrassPrefix + errorShape, body));
    }

    private static IpcMessage Json(IpcMessageType type, int streamId, IpcMessageFlags flags, string? shape, JsonObject body)
    {
        var headers = new Dictionary<string, string> { [IpcHeaders.ContentType] = IpcHeaders.JsonContentType };
        if (shape is not null)
        {
            headers[IpcHeaders.ServiceModelType] = shape;
        }

        return IpcMessage.Create(type, streamId, flags, headers, Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private async Task<bool> TrySendAsync(IpcMessage message)
    {
        try
        {
            await SendAsync(message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SendAsync(IpcMessage message)
    {
        var frame = IpcFrameCodec.Encode(message);
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frame).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static string? ReadAuthToken(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.TryGetProperty("authToken", out var token) ? token.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string[] KeyPath(JsonObject request) =>
        request["keyPath"] is JsonArray path ? [.. path.Select(k => k?.GetValue<string>() ?? "")] : [];

    private static bool IsPrefix(IReadOnlyList<string> prefix, IReadOnlyList<string> path) =>
        prefix.Count <= path.Count && prefix.Select((key, i) => key == path[i]).All(same => same);
}
