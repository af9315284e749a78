namespace EdgeMlOps.Testing.StateMachines;

/// <summary>One event of the execution history (state entered/exited/failed/retried/caught, Map iterations …).</summary>
/// <param name="Type">Event type as aws-local-stepfunctions names it, e.g. <c>StateEntered</c>, <c>StateRetried</c>.</param>
/// <param name="StateName">The state, for state events.</param>
/// <param name="StateType">The state's Type, for state events.</param>
/// <param name="Index">The Map iteration index, for events inside a Map.</param>
/// <param name="Error">Error name, for failure events.</param>
/// <param name="Cause">Cause, for failure events.</param>
public sealed record ExecutionEvent(string Type, string? StateName, string? StateType, int? Index, string? Error, string? Cause);
