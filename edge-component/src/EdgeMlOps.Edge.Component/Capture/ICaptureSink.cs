using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Component.Capture;

/// <summary>The background capture uploader's counters, reported in the health message (all zero/null without an uploader).</summary>
/// <param name="Uploaded">Captures uploaded since start.</param>
/// <param name="Failures">Failed upload attempts since start (each is retried).</param>
/// <param name="LastError">The most recent upload error; null if none yet.</param>
public readonly record struct CaptureUploadStatus(long Uploaded, long Failures, string? LastError);

/// <summary>
/// Where captured frames go. The Greengrass build plugs in the on-disk spool + S3 uploader; outside it the
/// <see cref="NoOpCaptureSink"/> counts and drops. <see cref="TryEnqueue"/> must not block the inference loop:
/// a full spool drops (and counts) instead.
/// </summary>
public interface ICaptureSink
{
    /// <summary>Queues the image with its sidecar; false when dropped (spool full or disabled). The bytes are copied if kept.</summary>
    bool TryEnqueue(ReadOnlySpan<byte> image, CaptureMetadata metadata);

    /// <summary>Images waiting for upload.</summary>
    int Backlog { get; }

    /// <summary>Images dropped because the spool was full.</summary>
    long Dropped { get; }

    /// <summary>The uploader behind the sink, if any.</summary>
    CaptureUploadStatus Upload { get; }
}

/// <summary>Keeps nothing: counts what would have been captured.</summary>
public sealed class NoOpCaptureSink : ICaptureSink
{
    private long _offered;

    public long Offered => Interlocked.Read(ref _offered);

    public int Backlog => 0;

    public long Dropped => 0;

    public CaptureUploadStatus Upload => default;

    public bool TryEnqueue(ReadOnlySpan<byte> image, CaptureMetadata metadata)
    {
        Interlocked.Increment(ref _offered);
        return false;
    }
}
