namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// The harness could not carry out a run as the test described it: the definition is invalid, a Task call had no
/// answer, a queue of answers ran out, a Lambda handler could not be found, or the run timed out. Never a result of
/// the state machine's own logic (that is an <see cref="ExecutionResult"/> with status Failed).
/// </summary>
public sealed class StateMachineHarnessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateMachineHarnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying error.</summary>
    public StateMachineHarnessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
