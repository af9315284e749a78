using System.Text;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>How an execution ended.</summary>
public enum ExecutionStatus
{
    /// <summary>Reached a Succeed state or an End.</summary>
    Succeeded,

    /// <summary>Reached a Fail state or an error nothing caught.</summary>
    Failed,

    /// <summary>The definition's <c>TimeoutSeconds</c> elapsed.</summary>
    TimedOut,

    /// <summary>The execution was aborted.</summary>
    Aborted,
}

/// <summary>Who answered a Task call.</summary>
public enum TaskAnswerSource
{
    /// <summary>An answer registered in the <see cref="Scenario"/>.</summary>
    Scenario,

    /// <summary>The real C# Lambda handler from the template.</summary>
    Lambda,
}

/// <summary>One Task call and its answer, in the order calls were made.</summary>
/// <param name="StateName">The Task state.</param>
/// <param name="Resource">The state's Resource.</param>
/// <param name="Parameters">The effective input the service (or Lambda integration) received.</param>
/// <param name="Output">The task's result before ResultSelector/ResultPath; null when it failed.</param>
/// <param name="Error">The error name when the call failed.</param>
/// <param name="Cause">The error cause when the call failed.</param>
/// <param name="Source">Scenario answer or real Lambda handler.</param>
public sealed record TaskInvocation(
    string StateName,
    string Resource,
    JsonNode? Parameters,
    JsonNode? Output,
    string? Error,
    string? Cause,
    TaskAnswerSource Source)
{
    /// <summary>True if the call failed.</summary>
    public bool Failed => Error is not null;
}

/// <summary>One event of the execution history (state entered/exited/failed/retried/caught, Map iterations …).</summary>
/// <param name="Type">Event type as aws-local-stepfunctions names it, e.g. <c>StateEntered</c>, <c>StateRetried</c>.</param>
/// <param name="StateName">The state, for state events.</param>
/// <param name="StateType">The state's Type, for state events.</param>
/// <param name="Index">The Map iteration index, for events inside a Map.</param>
/// <param name="Error">Error name, for failure events.</param>
/// <param name="Cause">Cause, for failure events.</param>
public sealed record ExecutionEvent(string Type, string? StateName, string? StateType, int? Index, string? Error, string? Cause);

/// <summary>The outcome of <see cref="LocalStateMachine.RunAsync"/>.</summary>
public sealed class ExecutionResult
{
    internal ExecutionResult(
        ExecutionStatus status,
        JsonNode? output,
        string? error,
        string? cause,
        IReadOnlyList<ExecutionEvent> events,
        IReadOnlyList<TaskInvocation> taskInvocations)
    {
        Status = status;
        Output = output;
        Error = error;
        Cause = cause;
        Events = events;
        TaskInvocations = taskInvocations;
        EnteredStates = [.. events.Where(e => e.Type == "StateEntered" && e.StateName is not null).Select(e => e.StateName!)];
    }

    /// <summary>How the execution ended.</summary>
    public ExecutionStatus Status { get; }

    /// <summary>The execution's output when it succeeded.</summary>
    public JsonNode? Output { get; }

    /// <summary>The error name when it failed, e.g. the Fail state's Error.</summary>
    public string? Error { get; }

    /// <summary>The cause when it failed.</summary>
    public string? Cause { get; }

    /// <summary>Names of entered states in order, states inside Map and Parallel included (interleaved as they ran).</summary>
    public IReadOnlyList<string> EnteredStates { get; }

    /// <summary>The execution history.</summary>
    public IReadOnlyList<ExecutionEvent> Events { get; }

    /// <summary>Every Task call in order, with its answer.</summary>
    public IReadOnlyList<TaskInvocation> TaskInvocations { get; }

    /// <summary>The calls made by a Task state name or for a resource ARN.</summary>
    public IReadOnlyList<TaskInvocation> InvocationsOf(string stateNameOrResource) =>
        [.. TaskInvocations.Where(i => i.StateName == stateNameOrResource || i.Resource == stateNameOrResource)];

    /// <summary>A multi-line summary (status, error, states, calls) for assertion messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"Status: {Status}");
        if (Error is not null)
        {
            text.Append($" ({Error}: {Cause})");
        }

        text.AppendLine().Append("States: ").AppendJoin(" -> ", EnteredStates).AppendLine();
        foreach (var call in TaskInvocations)
        {
            text.Append($"  {call.StateName} [{call.Resource}] ")
                .AppendLine(call.Failed ? $"failed {call.Error}" : "succeeded");
        }

        return text.ToString();
    }
}
