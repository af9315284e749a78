using System.Buffers;
using System.Globalization;
using EdgeMlOps.Edge.Inference.Imaging;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// One encoded image from a camera or folder. The bytes live in a buffer rented from <see cref="ArrayPool{T}"/>;
/// disposing the frame returns it, so a steady stream of frames does not allocate image-sized arrays.
/// </summary>
public sealed class Frame : IDisposable
{
    private byte[]? _buffer;

    /// <summary>64 MiB (<see cref="EdgeMlOps.Contracts.InferenceConfiguration.Defaults.MaxFileBytes"/>).</summary>
    public const long DefaultMaxFileBytes = EdgeMlOps.Contracts.InferenceConfiguration.Defaults.MaxFileBytes;

    private Frame(string imageId, byte[] buffer, int length, DateTimeOffset capturedAt, string? failure,
        ImageFailureReason failureReason = ImageFailureReason.None)
    {
        ImageId = imageId;
        _buffer = buffer;
        Length = length;
        CapturedAt = capturedAt;
        ReadFailure = failure;
        FailureReason = failure is null ? ImageFailureReason.None : failureReason;
    }

    /// <summary>The image's id in messages (the file name for folder sources).</summary>
    public string ImageId { get; }

    public DateTimeOffset CapturedAt { get; }

    public int Length { get; }

    /// <summary>Set when the source could not read the image (the frame carries no bytes then).</summary>
    public string? ReadFailure { get; }

    /// <summary>Why the source did not read the image (<see cref="ImageFailureReason.None"/> when it did).</summary>
    public ImageFailureReason FailureReason { get; }

    public ReadOnlySpan<byte> Data => _buffer is null ? ReadOnlySpan<byte>.Empty : _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>Copies <paramref name="data"/> into a pooled buffer (for camera drivers that own their memory).</summary>
    public static Frame FromBytes(string imageId, ReadOnlySpan<byte> data, DateTimeOffset capturedAt)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(buffer);
        return new Frame(imageId, buffer, data.Length, capturedAt, null);
    }

    /// <summary>
    /// Reads a regular file into a pooled buffer. Never blocks on a FIFO or device and never allocates beyond
    /// <paramref name="maxFileBytes"/>: anything else gives a frame with <see cref="ReadFailure"/> and
    /// <see cref="FailureReason"/> set (<c>unsupported-file</c>, <c>too-large</c>, <c>unreadable</c>).
    /// </summary>
    public static ValueTask<Frame> ReadFileAsync(string path, CancellationToken cancellationToken, long maxFileBytes = DefaultMaxFileBytes)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReadFile(path, maxFileBytes));
    }

    private static Frame ReadFile(string path, long maxFileBytes)
    {
        var imageId = Path.GetFileName(path);
        Frame Failed(ImageFailureReason reason, string message) => new(imageId, [], 0, DateTimeOffset.UtcNow, message, reason);
        var opened = RegularFile.Open(path);
        if (opened.Handle is null)
        {
            return Failed(opened.Failure, opened.Problem!);
        }

        using var handle = opened.Handle;
        if (opened.Length > maxFileBytes)
        {
            return Failed(ImageFailureReason.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"{opened.Length} bytes is above the maxFileBytes limit of {maxFileBytes}; nothing was read"));
        }

        var length = (int)opened.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), read);
                if (n == 0)
                {
                    break; // shrank while being read: what is there is decoded (and reported as truncated if it is)
                }

                read += n;
            }

            return new Frame(imageId, buffer, read, DateTimeOffset.UtcNow, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return Failed(ImageFailureReason.Unreadable, ex.Message);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// A source of frames. The folder sources below implement it; a real camera driver implements it too (grab a
/// frame, wrap its JPEG bytes with <see cref="Frame.FromBytes"/>, yield it). The consumer disposes each frame.
/// </summary>
public interface IFrameSource
{
    IAsyncEnumerable<Frame> ReadFramesAsync(CancellationToken cancellationToken);
}
