namespace EdgeMlOps.Edge.Component.Health;

/// <summary>
/// Tells the platform the component's state: Greengrass's UpdateState (RUNNING / ERRORED) when running as a
/// component, a log line otherwise.
/// </summary>
public interface IComponentStateReporter
{
    Task ReportAsync(ComponentState state, CancellationToken cancellationToken);
}

/// <summary>Writes state changes to the log (standard error).</summary>
public sealed class LogStateReporter(ComponentLog log) : IComponentStateReporter
{
    public Task ReportAsync(ComponentState state, CancellationToken cancellationToken)
    {
        log.Info($"state {state.ToContract()}");
        return Task.CompletedTask;
    }
}
