using System.Threading.Channels;
using EdgeMlOps.Edge.Ipc.Connection;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>
/// One operation's stream: the first message received is the response (or its error), every later
/// one is a streamed event. A message with TERMINATE_STREAM ends the stream.
/// </summary>
internal sealed class OperationStream
{
    private readonly IpcConnection _connection;
    private readonly TaskCompletionSource<IpcMessage> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<IpcMessage> _events = Channel.CreateUnbounded<IpcMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _lock = new();
    private bool _responded;

    public OperationStream(IpcConnection connection, int streamId, string operationName)
    {
        _connection = connection;
        StreamId = streamId;
        OperationName = operationName;
    }

    public int StreamId { get; }

    public string OperationName { get; }

    public Task<IpcMessage> Response => _response.Task;

    /// <summary>Events after the response; completes (with the error, if any) when the stream ends.</summary>
    public ChannelReader<IpcMessage> Events => _events.Reader;

    /// <summary>Sends the request: an ApplicationMessage carrying the <c>operation</c> header.</summary>
    public Task SendRequestAsync(string requestShape, ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>
        {
            [IpcHeaders.Operation] = OperationName,
            [IpcHeaders.ServiceModelType] = requestShape,
            [IpcHeaders.ContentType] = IpcHeaders.JsonContentType,
        };
        return _connection.SendAsync(IpcMessage.Create(IpcMessageType.ApplicationMessage, StreamId, IpcMessageFlags.None, headers, json), ct);
    }

    /// <summary>Ends the stream from our side (as the SDK clients do when an operation is closed).</summary>
    public async Task TerminateAsync(CancellationToken ct)
    {
        _connection.Forget(StreamId);
        Fail(new OperationCanceledException($"{OperationName} stream {StreamId} was closed."));
        try
        {
            await _connection.SendAsync(IpcMessage.Create(IpcMessageType.ApplicationMessage, StreamId, IpcMessageFlags.TerminateStream), ct)
                .ConfigureAwait(false);
        }
        catch (IpcConnectionLostException)
        {
            // Nothing to terminate on a dead connection.
        }
    }

    public void Deliver(IpcMessage message)
    {
        var isError = message.Type == IpcMessageType.ApplicationError || IsErrorShape(message.ServiceModelType);
        bool first;
        lock (_lock)
        {
            first = !_responded;
            _responded = true;
        }

        if (first)
        {
            if (isError)
            {
                var error = IpcErrorMapper.ToException(OperationName, message);
                _response.TrySetException(error);
                _events.Writer.TryComplete(error);
                return;
            }

            _response.TrySetResult(message);
        }
        else if (isError)
        {
            _events.Writer.TryComplete(IpcErrorMapper.ToException(OperationName, message));
            return;
        }
        else
        {
            _events.Writer.TryWrite(message);
        }

        if (message.Terminates)
        {
            _events.Writer.TryComplete();
        }
    }

    public void Fail(Exception reason)
    {
        _response.TrySetException(reason);
        _events.Writer.TryComplete(reason);
    }

    private static bool IsErrorShape(string? shape) =>
        shape is IpcErrorShapes.Unauthorized or IpcErrorShapes.ResourceNotFound or IpcErrorShapes.InvalidArguments or IpcErrorShapes.ServiceError;
}
