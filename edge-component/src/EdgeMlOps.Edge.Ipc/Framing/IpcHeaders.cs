namespace EdgeMlOps.Edge.Ipc.Framing;

/// <summary>Header names used by the event-stream RPC protocol and by Greengrass IPC on top of it.</summary>
public static class IpcHeaders
{
    public const string MessageType = ":message-type";
    public const string MessageFlags = ":message-flags";
    public const string StreamId = ":stream-id";
    public const string ContentType = ":content-type";
    public const string Version = ":version";
    public const string Operation = "operation";
    public const string ServiceModelType = "service-model-type";

    public const string JsonContentType = "application/json";
    public const string TextContentType = "text/plain";

    /// <summary>The only protocol version Greengrass nuclei accept in CONNECT.</summary>
    public const string ProtocolVersion = "0.1.0";
}
