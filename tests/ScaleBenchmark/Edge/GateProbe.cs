using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;
using HealthGateFunction = EdgeMlOps.EdgeDeployment.EvaluateFleetHealth.Function;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// Answers the workflow's health-gate task (state <c>EvaluateDeviceHealth</c>, <c>lambda:invoke</c>) by calling the
/// real handler the template names (<c>EvaluateFleetHealth::…Function::Handle</c>) in this process, and measures each
/// call: wall time with a <see cref="System.Diagnostics.Stopwatch"/> around the handler (payload in, payload out, JIT
/// of the first call included), and memory as the managed bytes the call allocates on its thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/> before and after: an upper bound of the heap the call needs
/// above the runtime's own). Peaks over all calls are kept. Thread-safe.
/// </summary>
public sealed class GateProbe : ITaskHandler
{
    /// <summary>The gate's Task state in the edge workflow.</summary>
    public const string StateName = "EvaluateDeviceHealth";

    /// <summary>The handler the synthesized template must name for the gate's function.</summary>
    public const string Handler = "EvaluateFleetHealth::EdgeMlOps.EdgeDeployment.EvaluateFleetHealth.Function::Handle";

    private readonly object _lock = new();

    /// <summary>Gate calls measured.</summary>
    public int Calls { get; private set; }

    /// <summary>Longest call, in milliseconds.</summary>
    public double PeakMilliseconds { get; private set; }

    /// <summary>Most managed memory one call allocated, in MiB.</summary>
    public double PeakMegabytes { get; private set; }

    /// <summary>Checks that the machine's gate state invokes the function with <see cref="Handler"/>, so this probe runs what AWS would.</summary>
    public static void CheckWiring(LocalStateMachine machine)
    {
        var functionArn = machine.Definition["States"]?[StateName]?["Parameters"]?["FunctionName"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"The edge workflow has no {StateName} lambda:invoke state");
        var function = machine.LambdaFunctions.TryGetValue(functionArn, out var f) ? f
            : throw new InvalidOperationException($"{StateName} invokes {functionArn}, which is not a function of the template");
        if (function.Handler != Handler)
        {
            throw new InvalidOperationException($"{StateName} invokes a function with handler {function.Handler}, not {Handler}");
        }
    }

    public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes((call.Parameters?["Payload"] ?? throw new InvalidOperationException($"{StateName} called without a Payload")).ToJsonString());
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var output = HealthGateFunction.Handle(new MemoryStream(payload));
        var result = JsonNode.Parse(output);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        lock (_lock)
        {
            Calls++;
            PeakMilliseconds = Math.Max(PeakMilliseconds, clock.Elapsed.TotalMilliseconds);
            PeakMegabytes = Math.Max(PeakMegabytes, allocated / (1024.0 * 1024.0));
        }

        return ValueTask.FromResult<JsonNode?>(new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = result,
            ["StatusCode"] = 200,
        });
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Calls} gate calls, peak {PeakMilliseconds:F1} ms, {PeakMegabytes:F2} MiB allocated");
}
