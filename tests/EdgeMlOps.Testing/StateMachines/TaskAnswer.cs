using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// One answer to a Task call: a result, a failure, or a callback computing either. Queued with
/// <see cref="Scenario.Respond(string, TaskAnswer[])"/>.
/// </summary>
public sealed class TaskAnswer
{
    private readonly Func<TaskCall, CancellationToken, ValueTask<JsonNode?>> _answer;
    private readonly string _description;

    private TaskAnswer(Func<TaskCall, CancellationToken, ValueTask<JsonNode?>> answer, string description)
    {
        _answer = answer;
        _description = description;
    }

    /// <summary>The task succeeds with this result (cloned per call, so callers may reuse it).</summary>
    public static TaskAnswer Return(JsonNode? result) =>
        new((_, _) => ValueTask.FromResult(result?.DeepClone()), $"Return({result?.ToJsonString() ?? "null"})");

    /// <summary>The task succeeds with this result given as JSON text.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not JSON.</exception>
    public static TaskAnswer Return(string resultJson) => Return(JsonNode.Parse(resultJson));

    /// <summary>The task fails with a Step Functions error, e.g. <c>Fail("SageMaker.ResourceNotFoundException", "no job")</c>.</summary>
    public static TaskAnswer Fail(string error, string cause = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new((_, _) => throw new TaskFailure(error, cause), $"Fail({error})");
    }

    /// <summary>The result is computed from the resolved parameters; throw <see cref="TaskFailure"/> to fail.</summary>
    public static TaskAnswer Compute(Func<JsonNode?, JsonNode?> fromParameters)
    {
        ArgumentNullException.ThrowIfNull(fromParameters);
        return new((call, _) => ValueTask.FromResult(fromParameters(call.Parameters)), "Compute(callback)");
    }

    /// <summary>The result comes from a stateful handler (it sees state name, resource and parameters).</summary>
    public static TaskAnswer From(ITaskHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(handler.HandleAsync, $"From({handler.GetType().Name})");
    }

    internal ValueTask<JsonNode?> AnswerAsync(TaskCall call, CancellationToken cancellationToken) =>
        _answer(call, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => _description;
}
