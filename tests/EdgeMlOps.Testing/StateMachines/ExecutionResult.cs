using System.Text;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

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
