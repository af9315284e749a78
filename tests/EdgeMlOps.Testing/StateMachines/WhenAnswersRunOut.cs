namespace EdgeMlOps.Testing.StateMachines;

/// <summary>What happens when a queue of answers is used up.</summary>
public enum WhenAnswersRunOut
{
    /// <summary>The last answer is given again for every further call (default).</summary>
    RepeatLast,

    /// <summary>The run stops and <see cref="LocalStateMachine.RunAsync"/> throws <see cref="StateMachineHarnessException"/>.</summary>
    Fail,
}
