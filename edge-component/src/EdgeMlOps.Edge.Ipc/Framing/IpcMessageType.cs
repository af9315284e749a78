namespace EdgeMlOps.Edge.Ipc.Framing;

/// <summary>Values of the <c>:message-type</c> header in the event-stream RPC protocol.</summary>
public enum IpcMessageType
{
    ApplicationMessage = 0,
    ApplicationError = 1,
    Ping = 2,
    PingResponse = 3,
    Connect = 4,
    ConnectAck = 5,
    ProtocolError = 6,
    InternalError = 7,
}

/// <summary>Bits of the <c>:message-flags</c> header.</summary>
[Flags]
public enum IpcMessageFlags
{
    None = 0,
    /// <summary>Set on CONNECT_ACK when the server accepted the connection.</summary>
    ConnectionAccepted = 1,
    /// <summary>The sender will send nothing more on this stream.</summary>
    TerminateStream = 2,
}
