using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

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
