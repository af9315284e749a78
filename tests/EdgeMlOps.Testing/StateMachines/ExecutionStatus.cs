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
