using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// With <c>SCALE_VERBOSE=1</c>: time spent answering each resource of the simulated control plane, to see where a
/// scenario's wall time goes (printed to stderr after the run).
/// </summary>
public sealed class ControlPlaneProfile(ITaskHandler inner) : ITaskHandler
{
    private readonly ConcurrentDictionary<string, (int Calls, long Ticks)> _byResource = new(StringComparer.Ordinal);

    /// <summary>True when SCALE_VERBOSE=1.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("SCALE_VERBOSE") == "1";

    public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.HandleAsync(call, cancellationToken);
        }
        finally
        {
            var elapsed = Stopwatch.GetTimestamp() - started;
            _byResource.AddOrUpdate(call.Resource, (1, elapsed), (_, v) => (v.Calls + 1, v.Ticks + elapsed));
        }
    }

    /// <summary>One line per resource, most time first.</summary>
    public void Print()
    {
        foreach (var (resource, (calls, ticks)) in _byResource.OrderByDescending(kv => kv.Value.Ticks))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  control plane: {resource[(resource.LastIndexOf(':') + 1)..],-28} {calls,6} calls {ticks * 1000.0 / Stopwatch.Frequency,9:F0} ms"));
        }
    }
}
