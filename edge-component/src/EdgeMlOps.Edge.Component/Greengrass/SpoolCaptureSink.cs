using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Capture;
using EdgeMlOps.Edge.Component.Capture;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>
/// Puts captured frames into the bounded on-disk <see cref="CaptureSpool"/>, uploaded to S3 by
/// <paramref name="uploader"/> (null: captures stay in the spool) whose counters it reports. The spool writes and
/// flushes to disk, so <see cref="TryEnqueue"/> only copies the frame into a bounded queue (at most
/// <paramref name="queueCapacity"/> captures and <paramref name="queueMaxBytes"/> bytes) drained by a background
/// writer: the inference thread never waits for the disk. A full queue drops the capture and counts it.
/// </summary>
public sealed class SpoolCaptureSink : ICaptureSink, IAsyncDisposable
{
    /// <summary>How long disposing waits for queued captures to reach the disk before dropping them.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(3);

    private readonly CaptureSpool _spool;
    private readonly CaptureUploader? _uploader;
    private readonly long _queueMaxBytes;
    private readonly Action<string> _log;
    private readonly Channel<QueuedCapture> _queue;
    private readonly Task _writer;
    private long _queuedBytes;
    private int _queued;
    private long _overflow;
    private long _writeFailures;

    public SpoolCaptureSink(CaptureSpool spool, CaptureUploader? uploader = null, int queueCapacity = 8, long queueMaxBytes = 64L * 1024 * 1024,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        _spool = spool;
        _uploader = uploader;
        _queueMaxBytes = queueMaxBytes;
        _log = log ?? (_ => { });
        _queue = Channel.CreateBounded<QueuedCapture>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Captures waiting for upload, including those still queued for the disk.</summary>
    public int Backlog => _spool.Backlog + Volatile.Read(ref _queued);

    public long Dropped => _spool.DroppedCount;

    public CaptureUploadStatus Upload => _uploader is null
        ? default
        : new CaptureUploadStatus(_uploader.UploadedCount, _uploader.FailedAttempts, _uploader.LastError);

    public CaptureSpoolCounts Counts => new(Interlocked.Read(ref _overflow), Interlocked.Read(ref _writeFailures), _spool.RejectedCount,
        _spool.DuplicateCount, _spool.DiscardedCount);

    /// <summary>Queues a copy of the frame for the background writer; false (counted as overflow) when the queue is full.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> image, CaptureMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (Interlocked.Add(ref _queuedBytes, image.Length) > _queueMaxBytes && Volatile.Read(ref _queued) > 0)
        {
            Interlocked.Add(ref _queuedBytes, -image.Length);
            Interlocked.Increment(ref _overflow);
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, image.Length));
        image.CopyTo(buffer);
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(new QueuedCapture(buffer, image.Length, metadata)))
        {
            return true;
        }

        Release(buffer, image.Length);
        Interlocked.Increment(ref _overflow);
        return false;
    }

    private async Task WriteAsync()
    {
        await foreach (var capture in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                _spool.Enqueue(capture.Image.AsSpan(0, capture.Length), capture.Metadata);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                // A full or failing disk loses this capture, never the writer.
                Interlocked.Increment(ref _writeFailures);
                _log($"capturing '{capture.Metadata.ImageId}' failed: {ex.Message}");
            }
            finally
            {
                Release(capture.Image, capture.Length);
            }
        }
    }

    private void Release(byte[] buffer, int length)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Add(ref _queuedBytes, -length);
        Interlocked.Decrement(ref _queued);
    }

    /// <summary>Stops taking captures and waits up to <see cref="DrainTimeout"/> for the queued ones to reach the disk.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_writer, Task.Delay(DrainTimeout)).ConfigureAwait(false) != _writer)
        {
            _log($"{Volatile.Read(ref _queued)} queued capture(s) not written within {DrainTimeout.TotalSeconds} s of stopping");
        }
    }

    private sealed record QueuedCapture(byte[] Image, int Length, CaptureMetadata Metadata);
}
