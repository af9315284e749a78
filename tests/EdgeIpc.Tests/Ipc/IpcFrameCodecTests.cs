using System.Buffers.Binary;
using System.Text;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeIpc.Tests.Ipc;

public sealed class IpcFrameCodecTests
{
    [Fact]
    public void Spec_CRC32_matches_the_published_empty_message_vector()
    {
        // The event-stream empty message: 00000010 00000000 05c248eb 7d98c8ff.
        var empty = SpecFrame.Build([], []);

        Assert.Equal("0000001000000000" + "05c248eb" + "7d98c8ff", Convert.ToHexStringLower(empty));
    }

    [Fact]
    public void Decodes_a_frame_built_from_the_format_description()
    {
        var frame = SpecFrame.Build(
            [(":message-type", 1), (":message-flags", 2), (":stream-id", 7), ("service-model-type", "aws.greengrass#ServiceError"), (":content-type", "application/json")],
            Encoding.UTF8.GetBytes("{\"message\":\"boom\"}"));

        var message = IpcFrameCodec.Decode(frame);

        Assert.Equal(IpcMessageType.ApplicationError, message.Type);
        Assert.Equal(IpcMessageFlags.TerminateStream, message.Flags);
        Assert.Equal(7, message.StreamId);
        Assert.Equal("aws.greengrass#ServiceError", message.ServiceModelType);
        Assert.Equal("{\"message\":\"boom\"}", Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public void Encodes_a_frame_that_the_format_description_accepts()
    {
        var message = IpcMessage.Create(IpcMessageType.Connect, 0, IpcMessageFlags.None,
            new Dictionary<string, string> { [":version"] = "0.1.0" }, Encoding.UTF8.GetBytes("{\"authToken\":\"t\"}"));

        var frame = IpcFrameCodec.Encode(message);

        Assert.Equal(frame.Length, BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.Equal(SpecFrame.Crc32(frame.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(8)));
        Assert.Equal(SpecFrame.Crc32(frame.AsSpan(0, frame.Length - 4)), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(frame.Length - 4)));
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        Assert.Equal("{\"authToken\":\"t\"}", Encoding.UTF8.GetString(frame, 12 + headersLength, frame.Length - 16 - headersLength));
        var roundTrip = IpcFrameCodec.Decode(frame);
        Assert.Equal((IpcMessageType.Connect, 0, "0.1.0"), (roundTrip.Type, roundTrip.StreamId, roundTrip.Header(":version")));
    }

    [Fact]
    public void Fails_when_a_byte_is_corrupted()
    {
        var frame = IpcFrameCodec.Encode(IpcMessage.Create(IpcMessageType.ApplicationMessage, 3, payload: new byte[] { 1, 2, 3 }));
        frame[^6] ^= 0xFF;

        Assert.Throws<IpcProtocolException>(() => IpcFrameCodec.Decode(frame));
    }

    [Fact]
    public void Fails_when_the_message_type_header_is_missing()
    {
        Assert.Throws<IpcProtocolException>(() => IpcFrameCodec.Decode(SpecFrame.Build([(":stream-id", 1)], [])));
    }

    [Fact]
    public async Task Reading_returns_null_at_a_clean_end_and_fails_on_a_truncated_frame()
    {
        var frame = IpcFrameCodec.Encode(IpcMessage.Create(IpcMessageType.Ping, 0));

        Assert.Null(await IpcFrameCodec.ReadAsync(new MemoryStream(), CancellationToken.None));
        Assert.Equal(IpcMessageType.Ping, (await IpcFrameCodec.ReadAsync(new MemoryStream(frame), CancellationToken.None))!.Type);
        await Assert.ThrowsAsync<IpcProtocolException>(() => IpcFrameCodec.ReadAsync(new MemoryStream(frame[..^3]), CancellationToken.None));
    }

    [Fact]
    public async Task Refuses_a_frame_length_over_16_MiB()
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(prelude, 17 * 1024 * 1024);

        await Assert.ThrowsAsync<IpcProtocolException>(() => IpcFrameCodec.ReadAsync(new MemoryStream(prelude), CancellationToken.None));
    }
}
