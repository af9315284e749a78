using System.Buffers.Binary;
using Amazon.Runtime.EventStreams;

namespace EdgeMlOps.Edge.Ipc.Framing;

/// <summary>
/// Encodes and decodes AWS event-stream frames (prelude, headers, payload, CRC32s) with AWSSDK.Core's
/// <see cref="EventStreamMessage"/>, mapping the RPC headers to <see cref="IpcMessage"/>.
/// </summary>
public static class IpcFrameCodec
{
    /// <summary>Frames larger than this are refused: the protocol allows 16 MiB.</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    private const int PreludeLength = 12;
    private const int MinFrameLength = 16;

    public static byte[] Encode(IpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new List<IEventStreamHeader>(message.Headers.Count + 3)
        {
            Int32Header(IpcHeaders.MessageType, (int)message.Type),
            Int32Header(IpcHeaders.MessageFlags, (int)message.Flags),
            Int32Header(IpcHeaders.StreamId, message.StreamId),
        };
        foreach (var (name, value) in message.Headers)
        {
            var header = new EventStreamHeader(name);
            header.SetString(value);
            headers.Add(header);
        }

        return new EventStreamMessage(headers, message.Payload.ToArray()).ToByteArray();
    }

    /// <summary>Decodes one complete frame; throws <see cref="IpcProtocolException"/> when it is malformed.</summary>
    public static IpcMessage Decode(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        EventStreamMessage decoded;
        try
        {
            decoded = EventStreamMessage.FromBuffer(frame, 0, frame.Length);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new IpcProtocolException($"Malformed event-stream frame: {ex.Message}", ex);
        }

        IpcMessageType? type = null;
        var flags = IpcMessageFlags.None;
        var streamId = 0;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, header) in decoded.Headers ?? new Dictionary<string, IEventStreamHeader>())
        {
            switch (name)
            {
                case IpcHeaders.MessageType:
                    type = (IpcMessageType)header.AsInt32();
                    break;
                case IpcHeaders.MessageFlags:
                    flags = (IpcMessageFlags)header.AsInt32();
                    break;
                case IpcHeaders.StreamId:
                    streamId = header.AsInt32();
                    break;
                default:
                    if (header.HeaderType == EventStreamHeaderType.String)
                    {
                        headers[name] = header.AsString();
                    }

                    break;
            }
        }

        if (type is null)
        {
            throw new IpcProtocolException($"Event-stream frame has no '{IpcHeaders.MessageType}' header.");
        }

        return new IpcMessage(type.Value, flags, streamId, headers, decoded.Payload ?? []);
    }

    /// <summary>
    /// Reads one frame from <paramref name="stream"/>. Returns null when the peer closed the stream cleanly
    /// between frames; a close in the middle of a frame is a protocol error.
    /// </summary>
    public static async Task<IpcMessage?> ReadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prelude = new byte[PreludeLength];
        var first = await stream.ReadAtLeastAsync(prelude, PreludeLength, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        if (first < PreludeLength)
        {
            throw new IpcProtocolException("Connection closed in the middle of an event-stream prelude.");
        }

        var totalLength = BinaryPrimitives.ReadInt32BigEndian(prelude);
        if (totalLength < MinFrameLength || totalLength > MaxFrameLength)
        {
            throw new IpcProtocolException($"Event-stream frame length {totalLength} is outside [{MinFrameLength}, {MaxFrameLength}].");
        }

        var frame = new byte[totalLength];
        prelude.CopyTo(frame, 0);
        var rest = await stream.ReadAtLeastAsync(frame.AsMemory(PreludeLength), totalLength - PreludeLength, throwOnEndOfStream: false, ct)
            .ConfigureAwait(false);
        if (rest < totalLength - PreludeLength)
        {
            throw new IpcProtocolException("Connection closed in the middle of an event-stream frame.");
        }

        return Decode(frame);
    }

    private static EventStreamHeader Int32Header(string name, int value)
    {
        var header = new EventStreamHeader(name);
        header.SetInt32(value);
        return header;
    }
}
