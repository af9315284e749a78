namespace EdgeMlOps.Testing.StateMachines;

/// <summary>The kind of workflow an execution runs as; it decides which quotas apply.</summary>
public enum WorkflowType
{
    /// <summary>History limit of 25,000 events, up to one year.</summary>
    Standard,

    /// <summary>No history limit, at most 5 minutes; no <c>.sync</c> or <c>.waitForTaskToken</c> tasks.</summary>
    Express,
}
