using System.Text.Json.Nodes;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// The control plane as the second execution of scenario 4 sees it, with one shared clock. The harness runs each
/// execution's Wait states in no time, so the waiting execution's <c>sfn:DescribeExecution</c> of the lock holder
/// (made after each <c>WaitForReleaseLock</c>) is answered only once the holder has advanced by that wait: by as many
/// of its health polls as fit in the lock wait (<paramref name="holderPollsPerLockWait"/>, e.g. 600 s / 60 s), or
/// has ended. The answer is the holder's real status: RUNNING until its execution ended. Everything else is
/// forwarded to the shared control plane.
/// </summary>
public sealed class LockHolderClock(
    FakeEdgeControlPlane controlPlane,
    Func<Task<ExecutionResult>?> holder,
    Func<int> holderPolls,
    int holderPollsPerLockWait) : ITaskHandler
{
    /// <summary>Checks of the holder answered.</summary>
    public int Checks { get; private set; }

    public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        if (call.Resource != EdgeDeploymentTasks.DescribeExecution)
        {
            return await controlPlane.HandleAsync(call, cancellationToken);
        }

        var run = holder() ?? throw new InvalidOperationException("The lock holder has not started");
        var until = holderPolls() + holderPollsPerLockWait;
        while (!run.IsCompleted && holderPolls() < until)
        {
            await Task.Delay(5, cancellationToken);
        }

        Checks++;
        var status = !run.IsCompleted ? "RUNNING"
            : run.IsCompletedSuccessfully ? run.Result.Status switch
            {
                ExecutionStatus.Succeeded => "SUCCEEDED",
                ExecutionStatus.TimedOut => "TIMED_OUT",
                ExecutionStatus.Aborted => "ABORTED",
                _ => "FAILED",
            }
            : "FAILED";
        return new JsonObject { ["ExecutionArn"] = call.Parameters?["ExecutionArn"]?.DeepClone(), ["Status"] = status };
    }
}
