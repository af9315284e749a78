using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// Answers Task state calls, keeping whatever state it needs across calls: the building block for fakes of AWS
/// control planes (e.g. a fake SageMaker that remembers created training jobs and reports them Completed on the
/// third describe). Register with <see cref="Scenario.Handle(string, ITaskHandler)"/>.
/// </summary>
public interface ITaskHandler
{
    /// <summary>
    /// Returns the task's result (shaped like the real API response, PascalCase as Step Functions returns it), or
    /// throws <see cref="TaskFailure"/> to fail the state. Calls can arrive concurrently (Map, Parallel).
    /// </summary>
    ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken);
}
