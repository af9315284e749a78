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
        IReadOnlyList<TaskInvocation> taskInvocations,
        QuotaUsage quota,
        WorkflowType workflowType,
        IReadOnlyList<ExecutionResult> childExecutions)
    {
        Quota = quota;
        WorkflowType = workflowType;
        ChildExecutions = childExecutions;
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

    /// <summary>What this execution used of the service quotas: history events, largest payload, Map concurrency.</summary>
    public QuotaUsage Quota { get; }

    /// <summary>Standard or Express (from the template's StateMachineType, or the Distributed Map's ExecutionType).</summary>
    public WorkflowType WorkflowType { get; }

    /// <summary>
    /// Child executions this one started (Distributed Map iterations, each a separate execution with its own history
    /// and limits), in start order; their own children are inside them.
    /// </summary>
    public IReadOnlyList<ExecutionResult> ChildExecutions { get; }

    /// <summary>This execution and every child execution, depth first.</summary>
    public IEnumerable<ExecutionResult> SelfAndDescendants =>
        ChildExecutions.SelectMany(c => c.SelfAndDescendants).Prepend(this);

    /// <summary>The most history events of this execution or any child execution.</summary>
    public int MaxHistoryEvents => SelfAndDescendants.Max(e => e.Quota.HistoryEvents);

    /// <summary>The largest payload in bytes of this execution or any child execution.</summary>
    public int MaxPayloadBytes => SelfAndDescendants.Max(e => e.Quota.MaxPayloadBytes);

    /// <summary>Every Task call of this execution and its child executions.</summary>
    public IEnumerable<TaskInvocation> AllTaskInvocations => SelfAndDescendants.SelectMany(e => e.TaskInvocations);

    /// <summary>
    /// The calls made by a Task state name or for a resource ARN, in this execution and its child executions
    /// (a Distributed Map's item processor runs in children).
    /// </summary>
    public IReadOnlyList<TaskInvocation> InvocationsOf(string stateNameOrResource) =>
        [.. AllTaskInvocations.Where(i => i.StateName == stateNameOrResource || i.Resource == stateNameOrResource)];

    /// <summary>A multi-line summary (status, error, states, calls) for assertion messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"Status: {Status}");
        if (Error is not null)
        {
            text.Append($" ({Error}: {Cause})");
        }

        text.Append($"; {WorkflowType}, {Quota.HistoryEvents} history events, largest payload {Quota.MaxPayloadBytes} bytes");
        if (ChildExecutions.Count > 0)
        {
            var failed = ChildExecutions.Count(c => c.Status != ExecutionStatus.Succeeded);
            text.Append($"; {ChildExecutions.Count} child executions ({failed} not succeeded)");
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
