namespace EdgeMlOps.Edge.Ipc.Framing;

/// <summary>
/// One event-stream RPC message. The three protocol headers (<c>:message-type</c>, <c>:message-flags</c>,
/// <c>:stream-id</c>) are typed properties; every other header is carried as a string, which is all
/// Greengrass IPC uses.
/// </summary>
public sealed record IpcMessage(
    IpcMessageType Type,
    IpcMessageFlags Flags,
    int StreamId,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Payload)
{
    private static readonly IReadOnlyDictionary<string, string> s_noHeaders = new Dictionary<string, string>();

    public static IpcMessage Create(
        IpcMessageType type,
        int streamId,
        IpcMessageFlags flags = IpcMessageFlags.None,
        IReadOnlyDictionary<string, string>? headers = null,
        ReadOnlyMemory<byte> payload = default) =>
        new(type, flags, streamId, headers ?? s_noHeaders, payload);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? ServiceModelType => Header(IpcHeaders.ServiceModelType);

    public bool Terminates => (Flags & IpcMessageFlags.TerminateStream) != 0;
}
