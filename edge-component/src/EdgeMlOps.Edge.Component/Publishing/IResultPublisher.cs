namespace EdgeMlOps.Edge.Component.Publishing;

/// <summary>
/// Sends a serialised message to a topic. Implementations: <see cref="JsonLinesPublisher"/> (standard output or a
/// file, used outside Greengrass), <see cref="NullPublisher"/> (benchmarks) and the Greengrass one (IoT Core via
/// IPC, QoS 1). The payload is only valid during the call: implementations that queue it must copy it.
/// </summary>
public interface IResultPublisher : IAsyncDisposable
{
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>Writes each payload as one line (JSON lines) to a stream; thread-safe.</summary>
public sealed class JsonLinesPublisher(Stream stream, bool ownsStream = false) : IResultPublisher
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Standard output, as the component does when no Greengrass socket is present.</summary>
    public static JsonLinesPublisher StandardOutput() => new(Console.OpenStandardOutput(), ownsStream: false);

    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsStream)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }
}

/// <summary>Discards messages but counts them (benchmarks measure serialisation without I/O).</summary>
public sealed class NullPublisher : IResultPublisher
{
    private long _count;
    private long _bytes;

    public long Count => Interlocked.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, payload.Length);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
