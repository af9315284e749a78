using System.Text;
using System.Text.Json;
using EdgeMlOps.Edge.Ipc.Framing;

namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>Turns an error message received on an operation stream into its typed exception.</summary>
internal static class IpcErrorMapper
{
    public static IpcOperationException ToException(string operation, IpcMessage message)
    {
        var text = ErrorText(message.Payload);
        return message.ServiceModelType switch
        {
            IpcErrorShapes.Unauthorized => new IpcUnauthorizedException(operation, text),
            IpcErrorShapes.ResourceNotFound => new IpcResourceNotFoundException(operation, text),
            IpcErrorShapes.InvalidArguments => new IpcInvalidArgumentsException(operation, text),
            IpcErrorShapes.ServiceError => new IpcServiceErrorException(operation, text),
            var other => new IpcUnmodelledErrorException(operation, other, text),
        };
    }

    private static string ErrorText(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return "(no message)";
        }

        var raw = Encoding.UTF8.GetString(payload.Span);
        try
        {
            using var json = JsonDocument.Parse(payload);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var messageProperty)
                && messageProperty.ValueKind == JsonValueKind.String)
            {
                return messageProperty.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Plain-text error payloads are legal (":content-type: text/plain"); report them as they are.
        }

        return raw;
    }
}
