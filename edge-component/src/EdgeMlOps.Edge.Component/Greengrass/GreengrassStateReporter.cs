using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Ipc;

namespace EdgeMlOps.Edge.Component.Greengrass;

/// <summary>Reports RUNNING / ERRORED to the nucleus (MODEL_QUALITY_FAILED as RUNNING) (IPC UpdateState) and logs every change.</summary>
public sealed class GreengrassStateReporter(GreengrassIpcClient client, ComponentLog log) : IComponentStateReporter
{
    public async Task ReportAsync(ComponentState state, CancellationToken cancellationToken)
    {
        log.Info($"state {state.ToContract()}");
        ReportedLifecycleState? reported = state switch
        {
            ComponentState.Running => ReportedLifecycleState.Running,
            // The process is sound and keeps reporting: the verdict on the model belongs to the health gate, which
            // reads MODEL_QUALITY_FAILED from the health message (ERRORED would make Greengrass fail the deployment
            // as a crash and hide the reason).
            ComponentState.ModelQualityFailed => ReportedLifecycleState.Running,
            ComponentState.Errored => ReportedLifecycleState.Errored,
            _ => null,
        };
        if (reported is not { } value)
        {
            return;
        }

        try
        {
            await client.UpdateStateAsync(value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The state is also in the health message; a failed report must not stop the component.
            log.Warn($"reporting state {state} to Greengrass failed: {ex.Message}");
        }
    }
}
