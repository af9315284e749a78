using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>A Lambda handler threw: reported to the state machine the way Lambda reports unhandled .NET exceptions.</summary>
internal sealed class LambdaHandlerException(LambdaFunction function, Exception error)
    : Exception($"Lambda '{function.LogicalId}' threw {error.GetType().Name}: {error.Message}", error)
{
    /// <summary>Lambda's <c>errorType</c> for .NET: the exception's type name without namespace.</summary>
    public string ErrorType => InnerException!.GetType().Name;

    /// <summary>The error payload Lambda returns (<c>errorType</c>, <c>errorMessage</c>, <c>stackTrace</c>), as JSON text.</summary>
    public string ErrorPayload => new JsonObject
    {
        ["errorType"] = ErrorType,
        ["errorMessage"] = InnerException!.Message,
        ["stackTrace"] = new JsonArray([.. (InnerException.StackTrace ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => (JsonNode)JsonValue.Create(line))]),
    }.ToJsonString();
}
