using EdgeMlOps.Edge.Ipc.Connection;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>Runs one operation on a new stream of a connection and waits for its response.</summary>
internal static class IpcOperationCall
{
    public static async Task<(OperationStream Stream, IpcMessage Response)> StartAsync(
        IpcConnection connection, IpcOperationModel operation, byte[] request, TimeSpan timeout, CancellationToken ct)
    {
        var stream = connection.OpenStream(operation.Name);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await stream.SendRequestAsync(operation.RequestShape, request, deadline.Token).ConfigureAwait(false);
            var response = await stream.Response.WaitAsync(deadline.Token).ConfigureAwait(false);
            return (stream, response);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await stream.TerminateAsync(CancellationToken.None).ConfigureAwait(false);
            throw new IpcTimeoutException($"{operation.Name}: no response within {timeout.TotalSeconds:0.###} s.");
        }
        catch (OperationCanceledException)
        {
            await stream.TerminateAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A request-response call: the stream is released once the response is in.</summary>
    public static async Task<IpcMessage> InvokeAsync(
        IpcConnection connection, IpcOperationModel operation, byte[] request, TimeSpan timeout, CancellationToken ct)
    {
        var (stream, response) = await StartAsync(connection, operation, request, timeout, ct).ConfigureAwait(false);
        if (!response.Terminates)
        {
            // The nucleus normally terminates request-response streams itself; if not, release ours.
            connection.Forget(stream.StreamId);
        }

        return response;
    }
}
