namespace EdgeMlOps.Edge.Ipc;

/// <summary>Base of every failure the Greengrass IPC client reports.</summary>
public abstract class GreengrassIpcException : Exception
{
    protected GreengrassIpcException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The nucleus answered CONNECT without CONNECTION_ACCEPTED: the SVCUID was refused. Not retried.</summary>
public sealed class IpcConnectionRejectedException(string message) : GreengrassIpcException(message);

/// <summary>The socket could not be opened, or closed while a call was under way.</summary>
public sealed class IpcConnectionLostException(string message, Exception? inner = null) : GreengrassIpcException(message, inner);

/// <summary>The peer sent bytes that are not a valid event-stream RPC exchange.</summary>
public sealed class IpcProtocolException(string message, Exception? inner = null) : GreengrassIpcException(message, inner);

/// <summary>CONNECT_ACK or an operation response did not arrive in time.</summary>
public sealed class IpcTimeoutException(string message) : GreengrassIpcException(message);

/// <summary>
/// An operation's stream ended with an error. <see cref="ServiceModelType"/> is the <c>service-model-type</c>
/// header (for example <c>aws.greengrass#UnauthorizedError</c>), or null for an unmodelled error.
/// </summary>
public abstract class IpcOperationException : GreengrassIpcException
{
    protected IpcOperationException(string operation, string? serviceModelType, string message)
        : base($"{operation} failed ({serviceModelType ?? "unmodelled error"}): {message}")
    {
        Operation = operation;
        ServiceModelType = serviceModelType;
        ServiceMessage = message;
    }

    public string Operation { get; }

    public string? ServiceModelType { get; }

    /// <summary>The <c>message</c> member of the error payload, or the raw payload text.</summary>
    public string ServiceMessage { get; }
}

/// <summary><c>aws.greengrass#UnauthorizedError</c>: the component's access control policy does not allow the call.</summary>
public sealed class IpcUnauthorizedException(string operation, string message)
    : IpcOperationException(operation, IpcErrorShapes.Unauthorized, message);

/// <summary><c>aws.greengrass#ResourceNotFoundError</c>: for example a configuration key path that does not exist.</summary>
public sealed class IpcResourceNotFoundException(string operation, string message)
    : IpcOperationException(operation, IpcErrorShapes.ResourceNotFound, message);

/// <summary><c>aws.greengrass#InvalidArgumentsError</c>: the request was refused as malformed.</summary>
public sealed class IpcInvalidArgumentsException(string operation, string message)
    : IpcOperationException(operation, IpcErrorShapes.InvalidArguments, message);

/// <summary><c>aws.greengrass#ServiceError</c>: the nucleus failed internally.</summary>
public sealed class IpcServiceErrorException(string operation, string message)
    : IpcOperationException(operation, IpcErrorShapes.ServiceError, message);

/// <summary>Any other error shape, or an ApplicationError without a known <c>service-model-type</c>.</summary>
public sealed class IpcUnmodelledErrorException(string operation, string? serviceModelType, string message)
    : IpcOperationException(operation, serviceModelType, message);

/// <summary>Error shape names of the Greengrass IPC service model.</summary>
public static class IpcErrorShapes
{
    public const string Unauthorized = "aws.greengrass#UnauthorizedError";
    public const string ResourceNotFound = "aws.greengrass#ResourceNotFoundError";
    public const string InvalidArguments = "aws.greengrass#InvalidArgumentsError";
    public const string ServiceError = "aws.greengrass#ServiceError";
}
