namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// Thrown by an <see cref="ITaskHandler"/> (or callback) to make the Task state fail with a Step Functions error,
/// which the state's <c>Retry</c> and <c>Catch</c> then see, e.g.
/// <c>new TaskFailure("SageMaker.ResourceNotFoundException", "Could not find job")</c>.
/// </summary>
public sealed class TaskFailure : Exception
{
    /// <summary>Creates a task failure.</summary>
    /// <param name="error">The error name matched by <c>ErrorEquals</c>, e.g. <c>States.Timeout</c>.</param>
    /// <param name="cause">The human-readable cause (becomes <c>Cause</c> in a Catch's output).</param>
    public TaskFailure(string error, string cause = "")
        : base($"{error}: {cause}")
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        Error = error;
        Cause = cause ?? "";
    }

    /// <summary>The error name.</summary>
    public string Error { get; }

    /// <summary>The cause text.</summary>
    public string Cause { get; }
}
