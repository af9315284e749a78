using System.Collections.Concurrent;

namespace EdgeMlOps.Edge.Component.Health;

/// <summary>The component's lifecycle state as reported to Greengrass and in the health message.</summary>
public enum ComponentState
{
    Starting,
    Running,
    Errored,
    Stopping,

    /// <summary>The model failed its on-device acceptance check: the process runs and reports, but serves nothing.</summary>
    ModelQualityFailed,
}

/// <summary>The contract spelling of a <see cref="ComponentState"/> (<see cref="EdgeMlOps.Contracts.ComponentStates"/>).</summary>
public static class ComponentStateNames
{
    public static string ToContract(this ComponentState state) => state switch
    {
        ComponentState.Starting => EdgeMlOps.Contracts.ComponentStates.Starting,
        ComponentState.Running => EdgeMlOps.Contracts.ComponentStates.Running,
        ComponentState.Errored => EdgeMlOps.Contracts.ComponentStates.Errored,
        ComponentState.Stopping => EdgeMlOps.Contracts.ComponentStates.Stopping,
        ComponentState.ModelQualityFailed => EdgeMlOps.Contracts.ComponentStates.ModelQualityFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}

/// <summary>A point-in-time copy of the counters, for the health message and the run summary.</summary>
public sealed record HealthSnapshot(
    ComponentState State,
    long FramesProcessed,
    long FramesFailed,
    long ResultsPublished,
    long PublishFailures,
    long Detections,
    long FramesWithDetections,
    double MeanConfidence,
    long FramesCaptured,
    IReadOnlyDictionary<string, long> FailuresByReason,
    LatencyPercentiles TotalLatency,
    LatencyPercentiles InferenceLatency,
    int LatencyWindow,
    bool ModelLoaded,
    string? LastError,
    TimeSpan Uptime)
{
    /// <summary>The on-device acceptance check of the loaded model; status none until a set has run.</summary>
    public EdgeMlOps.Contracts.HealthAcceptance Acceptance { get; init; } = new();
}

public readonly record struct LatencyPercentiles(double P50, double P95);

/// <summary>
/// Thread-safe counters of the running component: frames, failures by reason, detections, captures, and a sliding
/// window of recent latencies (the last <see cref="WindowSize"/> frames) for p50/p95.
/// </summary>
public sealed class HealthTracker
{
    public const int WindowSize = 1024;

    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly double[] _total = new double[WindowSize];
    private readonly double[] _inference = new double[WindowSize];
    private readonly object _latencyLock = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private int _latencyCount;
    private int _latencyNext;
    private long _processed;
    private long _failed;
    private long _published;
    private long _publishFailures;
    private long _detections;
    private long _withDetections;
    private double _confidenceSum;
    private long _captured;
    private int _state = (int)ComponentState.Starting;
    private string? _lastError;
    private int _modelLoaded;
    private EdgeMlOps.Contracts.HealthAcceptance _acceptance = new();

    public ComponentState State => (ComponentState)Volatile.Read(ref _state);

    public void SetState(ComponentState state) => Volatile.Write(ref _state, (int)state);

    /// <summary>Records why the component is not processing (model load, frame source); null once it recovers.</summary>
    public void Error(string? message) => Volatile.Write(ref _lastError, message);

    public void SetModelLoaded(bool loaded) => Volatile.Write(ref _modelLoaded, loaded ? 1 : 0);

    /// <summary>Records the acceptance check of the loaded model (reported in every later health message).</summary>
    public void SetAcceptance(EdgeMlOps.Contracts.HealthAcceptance acceptance) => Volatile.Write(ref _acceptance, acceptance ?? new());

    /// <summary>Counts a processed frame: its detections, the sum of their confidences, and its latencies.</summary>
    public void FrameProcessed(int detections, double totalMs, double inferenceMs, double confidenceSum = 0)
    {
        Interlocked.Increment(ref _processed);
        lock (_latencyLock)
        {
            // Detections and their confidences change together, so the mean is never taken between the two.
            _detections += detections;
            _withDetections += detections > 0 ? 1 : 0;
            _confidenceSum += confidenceSum;
            _total[_latencyNext] = totalMs;
            _inference[_latencyNext] = inferenceMs;
            _latencyNext = (_latencyNext + 1) % WindowSize;
            _latencyCount = Math.Min(_latencyCount + 1, WindowSize);
        }
    }

    /// <summary>Counts a skipped frame under <paramref name="reason"/> (e.g. "truncated", "too-large").</summary>
    public void FrameFailed(string reason)
    {
        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(reason, 1, static (_, n) => n + 1);
    }

    public void ResultPublished() => Interlocked.Increment(ref _published);

    public void PublishFailed() => Interlocked.Increment(ref _publishFailures);

    public void FrameCaptured() => Interlocked.Increment(ref _captured);

    public HealthSnapshot Snapshot()
    {
        double[] total;
        double[] inference;
        long detections;
        long withDetections;
        double confidenceSum;
        lock (_latencyLock)
        {
            detections = _detections;
            withDetections = _withDetections;
            confidenceSum = _confidenceSum;
            total = _total.AsSpan(0, _latencyCount).ToArray();
            inference = _inference.AsSpan(0, _latencyCount).ToArray();
        }

        return new HealthSnapshot(
            State,
            Interlocked.Read(ref _processed),
            Interlocked.Read(ref _failed),
            Interlocked.Read(ref _published),
            Interlocked.Read(ref _publishFailures),
            detections,
            withDetections,
            detections == 0 ? 0 : confidenceSum / detections,
            Interlocked.Read(ref _captured),
            new SortedDictionary<string, long>(_failures, StringComparer.Ordinal),
            Percentiles(total),
            Percentiles(inference),
            total.Length,
            Volatile.Read(ref _modelLoaded) == 1,
            Volatile.Read(ref _lastError),
            DateTimeOffset.UtcNow - _started)
        {
            Acceptance = Volatile.Read(ref _acceptance),
        };
    }

    /// <summary>Nearest-rank percentiles (p50, p95) of <paramref name="values"/>; zeros when empty.</summary>
    public static LatencyPercentiles Percentiles(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            return new LatencyPercentiles(0, 0);
        }

        Array.Sort(values);
        return new LatencyPercentiles(Rank(values, 0.50), Rank(values, 0.95));
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
