using System.Text.Json.Nodes;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// One execution's view of the shared <see cref="FakeEdgeControlPlane"/> (two executions of scenario 4 share one
/// control plane and lock table): every call is forwarded, then reported to <paramref name="after"/>.
/// </summary>
public sealed class ObservedControlPlane(FakeEdgeControlPlane controlPlane, Action<TaskCall> after) : ITaskHandler
{
    public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var answer = await controlPlane.HandleAsync(call, cancellationToken);
        after(call);
        return answer;
    }
}
