using System.Buffers;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// One encoded image from a camera or folder. The bytes live in a buffer rented from <see cref="ArrayPool{T}"/>;
/// disposing the frame returns it, so a steady stream of frames does not allocate image-sized arrays.
/// </summary>
public sealed class Frame : IDisposable
{
    private byte[]? _buffer;

    private Frame(string imageId, byte[] buffer, int length, DateTimeOffset capturedAt, string? failure)
    {
        ImageId = imageId;
        _buffer = buffer;
        Length = length;
        CapturedAt = capturedAt;
        ReadFailure = failure;
    }

    /// <summary>The image's id in messages (the file name for folder sources).</summary>
    public string ImageId { get; }

    public DateTimeOffset CapturedAt { get; }

    public int Length { get; }

    /// <summary>Set when the source could not read the image (the frame carries no bytes then).</summary>
    public string? ReadFailure { get; }

    public ReadOnlySpan<byte> Data => _buffer is null ? ReadOnlySpan<byte>.Empty : _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>Copies <paramref name="data"/> into a pooled buffer (for camera drivers that own their memory).</summary>
    public static Frame FromBytes(string imageId, ReadOnlySpan<byte> data, DateTimeOffset capturedAt)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(buffer);
        return new Frame(imageId, buffer, data.Length, capturedAt, null);
    }

    /// <summary>Reads a file into a pooled buffer; an I/O error gives a frame with <see cref="ReadFailure"/> set.</summary>
    public static async ValueTask<Frame> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        var imageId = Path.GetFileName(path);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, useAsync: false);
            var length = checked((int)stream.Length);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
            var read = 0;
            while (read < length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read, length - read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return new Frame(imageId, buffer, read, DateTimeOffset.UtcNow, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OverflowException)
        {
            return new Frame(imageId, [], 0, DateTimeOffset.UtcNow, ex.Message);
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
