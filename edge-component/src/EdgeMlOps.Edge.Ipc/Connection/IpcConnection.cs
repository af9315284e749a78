using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeMlOps.Edge.Ipc.Framing;
using EdgeMlOps.Edge.Ipc.Operations;

namespace EdgeMlOps.Edge.Ipc.Connection;

/// <summary>Lifecycle of one socket connection to the nucleus; it only ever moves forward.</summary>
internal enum IpcConnectionState
{
    Idle,
    Connecting,
    Connected,
    Closed,
}

/// <summary>
/// One event-stream RPC connection over the nucleus Unix socket: the CONNECT / CONNECT_ACK handshake,
/// a read loop that answers pings and routes stream messages to their <see cref="OperationStream"/>,
/// and serialised writes. State, the stream table and the stream id counter sit behind one lock.
/// </summary>
internal sealed class IpcConnection : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<int, OperationStream> _streams = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _readCancellation = new();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private IpcConnectionState _state = IpcConnectionState.Idle;
    private int _nextStreamId = 1;
    private Task _readLoop = Task.CompletedTask;

    private IpcConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>Raised once, from the read loop, when the connection closes for any reason.</summary>
    public event Action<Exception>? Closed;

    public IpcConnectionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Opens the socket, sends CONNECT with the auth token and waits for CONNECT_ACK.
    /// Throws <see cref="IpcConnectionRejectedException"/> when the token is refused,
    /// <see cref="IpcConnectionLostException"/> when the socket cannot be reached or closes,
    /// <see cref="IpcTimeoutException"/> when no CONNECT_ACK comes within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<IpcConnection> OpenAsync(string socketPath, string authToken, TimeSpan timeout, CancellationToken ct)
    {
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        handshake.CancelAfter(timeout);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), handshake.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            throw ex switch
            {
                SocketException se => new IpcConnectionLostException($"Cannot connect to the nucleus socket '{socketPath}': {se.SocketErrorCode}.", se),
                OperationCanceledException when !ct.IsCancellationRequested => new IpcTimeoutException($"Connecting to '{socketPath}' took over {timeout.TotalSeconds:0.###} s."),
                _ => ex,
            };
        }

        var connection = new IpcConnection(socket);
        try
        {
            connection.MoveTo(IpcConnectionState.Connecting);
            await connection.HandshakeAsync(authToken, handshake.Token).ConfigureAwait(false);
            connection.MoveTo(IpcConnectionState.Connected);
            connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IpcTimeoutException($"No CONNECT_ACK from the nucleus at '{socketPath}' within {timeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Allocates the next client stream id and registers the stream before anything is sent on it.</summary>
    public OperationStream OpenStream(string operationName)
    {
        lock (_lock)
        {
            if (_state != IpcConnectionState.Connected)
            {
                throw new IpcConnectionLostException($"Cannot start {operationName}: the connection is {_state}.");
            }

            var stream = new OperationStream(this, _nextStreamId++, operationName);
            _streams.Add(stream.StreamId, stream);
            return stream;
        }
    }

    public async Task SendAsync(IpcMessage message, CancellationToken ct)
    {
        var frame = IpcFrameCodec.Encode(message);
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frame, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // A failed write means the socket is gone: close now so callers reconnect instead of reusing it.
            var lost = new IpcConnectionLostException("Writing to the nucleus socket failed.", ex);
            Close(lost);
            throw lost;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Forget(int streamId)
    {
        lock (_lock)
        {
            _streams.Remove(streamId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(new IpcConnectionLostException("The connection was closed by the client."));
        await _readLoop.ConfigureAwait(false);
        _readCancellation.Dispose();
        _writeGate.Dispose();
    }

    private async Task HandshakeAsync(string authToken, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["authToken"] = authToken });
        var headers = new Dictionary<string, string>
        {
            [IpcHeaders.Version] = IpcHeaders.ProtocolVersion,
            [IpcHeaders.ContentType] = IpcHeaders.JsonContentType,
        };
        await SendAsync(IpcMessage.Create(IpcMessageType.Connect, 0, IpcMessageFlags.None, headers, payload), ct).ConfigureAwait(false);

        while (true)
        {
            var message = await ReadFrameAsync(ct).ConfigureAwait(false)
                ?? throw new IpcConnectionLostException("The nucleus closed the socket before CONNECT_ACK.");
            switch (message.Type)
            {
                case IpcMessageType.Ping:
                    await AnswerPingAsync(message, ct).ConfigureAwait(false);
                    continue;
                case IpcMessageType.ConnectAck when (message.Flags & IpcMessageFlags.ConnectionAccepted) != 0:
                    return;
                case IpcMessageType.ConnectAck:
                    throw new IpcConnectionRejectedException("The nucleus refused the connection (CONNECT_ACK without CONNECTION_ACCEPTED): check SVCUID.");
                default:
                    throw new IpcProtocolException($"Expected CONNECT_ACK, received {message.Type}: {PayloadText(message)}");
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception reason = new IpcConnectionLostException("The nucleus closed the connection.");
        try
        {
            while (true)
            {
                var message = await ReadFrameAsync(_readCancellation.Token).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                switch (message.Type)
                {
                    case IpcMessageType.Ping:
                        await AnswerPingAsync(message, _readCancellation.Token).ConfigureAwait(false);
                        break;
                    case IpcMessageType.PingResponse:
                        break;
                    case IpcMessageType.ApplicationMessage or IpcMessageType.ApplicationError:
                        Route(message);
                        break;
                    default:
                        // ProtocolError / InternalError (or a stray CONNECT_ACK) end the connection for good.
                        throw new IpcProtocolException($"The nucleus sent {message.Type}: {PayloadText(message)}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = new IpcConnectionLostException("The connection was closed by the client.");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = new IpcConnectionLostException("Reading from the nucleus socket failed.", ex);
        }
        catch (GreengrassIpcException ex)
        {
            reason = ex;
        }

        Close(reason);
    }

    private void Route(IpcMessage message)
    {
        OperationStream? target;
        lock (_lock)
        {
            _streams.TryGetValue(message.StreamId, out target);
            if (target is not null && message.Terminates)
            {
                _streams.Remove(message.StreamId);
            }
        }

        // A message for a stream we already forgot (closed locally) is dropped, as the protocol allows.
        target?.Deliver(message);
    }

    private Task AnswerPingAsync(IpcMessage ping, CancellationToken ct)
    {
        var echoed = ping.Headers.Where(h => !h.Key.StartsWith(':')).ToDictionary(h => h.Key, h => h.Value);
        return SendAsync(IpcMessage.Create(IpcMessageType.PingResponse, 0, IpcMessageFlags.None, echoed, ping.Payload), ct);
    }

    private async Task<IpcMessage?> ReadFrameAsync(CancellationToken ct)
    {
        try
        {
            return await IpcFrameCodec.ReadAsync(_stream, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new IpcConnectionLostException("Reading from the nucleus socket failed.", ex);
        }
    }

    private void MoveTo(IpcConnectionState next)
    {
        lock (_lock)
        {
            if (_state == IpcConnectionState.Closed)
            {
                throw new IpcConnectionLostException("The connection closed during the handshake.");
            }

            _state = next;
        }
    }

    private void Close(Exception reason)
    {
        List<OperationStream> orphans;
        lock (_lock)
        {
            if (_state == IpcConnectionState.Closed)
            {
                return;
            }

            _state = IpcConnectionState.Closed;
            orphans = [.. _streams.Values];
            _streams.Clear();
        }

        _readCancellation.Cancel();
        _socket.Dispose();
        foreach (var stream in orphans)
        {
            stream.Fail(reason);
        }

        Closed?.Invoke(reason);
    }

    private static string PayloadText(IpcMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
