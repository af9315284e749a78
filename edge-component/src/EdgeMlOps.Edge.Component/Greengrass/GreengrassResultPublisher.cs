using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>
/// Publishes to AWS IoT Core through the nucleus (IPC PublishToIoTCore, QoS 1). The client reconnects by itself; each
/// publish is bounded by <paramref name="timeout"/> (default 10 s) so an unreachable nucleus costs a counted publish
/// failure, not a stalled inference loop.
/// </summary>
public sealed class GreengrassResultPublisher(GreengrassIpcClient client, TimeSpan? timeout = null) : IResultPublisher
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(10);

    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_timeout);
        try
        {
            await client.PublishToIoTCoreAsync(topic, payload, IoTCoreQos.AtLeastOnce, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"PublishToIoTCore on '{topic}' did not complete within {_timeout.TotalSeconds:F0} s.");
        }
    }

    // The client is owned by PlatformServices.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
