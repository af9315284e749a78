using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>Publishes to AWS IoT Core through the nucleus (IPC PublishToIoTCore, QoS 1). The client reconnects by itself.</summary>
public sealed class GreengrassResultPublisher(GreengrassIpcClient client) : IResultPublisher
{
    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        await client.PublishToIoTCoreAsync(topic, payload, IoTCoreQos.AtLeastOnce, cancellationToken).ConfigureAwait(false);

    // The client is owned by PlatformServices.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
