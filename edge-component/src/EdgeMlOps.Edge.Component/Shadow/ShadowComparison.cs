using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Component.Shadow;

/// <summary>
/// Agreement of a candidate model with the current one, accumulated frame by frame: boxes matched one to one
/// (same class, IoU ≥ <see cref="ShadowEvaluation.MatchIou"/>, highest IoU first), frames with at least one
/// detection per model, and both models' inference latency over the last compared frames. Thread-safe: the
/// inference thread adds, the health loop reads.
/// </summary>
public sealed class ShadowComparison(string? candidateVersion, int sampleEvery, int latencyWindow = ShadowEvaluation.Defaults.LatencyWindow)
{
    private readonly object _lock = new();
    private readonly double[] _currentMs = new double[latencyWindow];
    private readonly double[] _candidateMs = new double[latencyWindow];
    private readonly List<(float Iou, int Current, int Candidate)> _pairs = new(64);
    private readonly List<bool> _currentUsed = new(128);
    private readonly List<bool> _candidateUsed = new(128);
    private int _latencyCount;
    private int _latencyNext;
    private long _compared;
    private long _failures;
    private long _matched;
    private long _currentBoxes;
    private long _candidateBoxes;
    private long _currentDefectFrames;
    private long _candidateDefectFrames;
    private long _missedDefectFrames;
    private string? _lastError;

    /// <summary>Adds one frame both models ran on.</summary>
    public void Compare(IReadOnlyList<Detection> current, IReadOnlyList<Detection> candidate, double currentInferenceMs, double candidateInferenceMs)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_lock)
        {
            _matched += Match(current, candidate);
            _compared++;
            _currentBoxes += current.Count;
            _candidateBoxes += candidate.Count;
            _currentDefectFrames += current.Count > 0 ? 1 : 0;
            _candidateDefectFrames += candidate.Count > 0 ? 1 : 0;
            _missedDefectFrames += current.Count > 0 && candidate.Count == 0 ? 1 : 0;
            _currentMs[_latencyNext] = currentInferenceMs;
            _candidateMs[_latencyNext] = candidateInferenceMs;
            _latencyNext = (_latencyNext + 1) % _currentMs.Length;
            _latencyCount = Math.Min(_latencyCount + 1, _currentMs.Length);
        }
    }

    /// <summary>Counts a sampled frame the candidate failed on.</summary>
    public void CandidateFailed(string message)
    {
        lock (_lock)
        {
            _failures++;
            _lastError = message;
        }
    }

    /// <summary>Records why the candidate cannot run at all.</summary>
    public void Disable(string message)
    {
        lock (_lock)
        {
            _lastError = message;
        }
    }

    public HealthShadow Snapshot()
    {
        lock (_lock)
        {
            var current = HealthTracker.Percentiles(_currentMs.AsSpan(0, _latencyCount).ToArray());
            var candidate = HealthTracker.Percentiles(_candidateMs.AsSpan(0, _latencyCount).ToArray());
            var boxes = _currentBoxes + _candidateBoxes;
            return new HealthShadow
            {
                CandidateVersion = candidateVersion,
                SampleEvery = sampleEvery,
                FramesCompared = _compared,
                CandidateFailures = _failures,
                MatchedBoxes = _matched,
                CurrentBoxes = _currentBoxes,
                CandidateBoxes = _candidateBoxes,
                BoxF1 = boxes == 0 ? 1 : Math.Round(2.0 * _matched / boxes, 4),
                CurrentDefectFrames = _currentDefectFrames,
                CandidateDefectFrames = _candidateDefectFrames,
                MissedDefectFrames = _missedDefectFrames,
                DefectRateDifference = _compared == 0 ? 0 : Math.Round((_candidateDefectFrames - _currentDefectFrames) / (double)_compared, 4),
                CurrentInferenceP95 = Math.Round(current.P95, 3),
                CandidateInferenceP95 = Math.Round(candidate.P95, 3),
                LatencyP95Ratio = current.P95 <= 0 ? 0 : Math.Round(candidate.P95 / current.P95, 3),
                LastError = _lastError,
            };
        }
    }

    /// <summary>Greedy one-to-one matching, best IoU first; returns the number of matched pairs.</summary>
    private int Match(IReadOnlyList<Detection> current, IReadOnlyList<Detection> candidate)
    {
        _pairs.Clear();
        for (var i = 0; i < current.Count; i++)
        {
            for (var j = 0; j < candidate.Count; j++)
            {
                if (current[i].ClassId != candidate[j].ClassId)
                {
                    continue;
                }

                var iou = current[i].Box.IntersectionOverUnion(candidate[j].Box);
                if (iou >= ShadowEvaluation.MatchIou)
                {
                    _pairs.Add((iou, i, j));
                }
            }
        }

        if (_pairs.Count == 0)
        {
            return 0;
        }

        _pairs.Sort(static (a, b) => b.Iou.CompareTo(a.Iou));
        Reset(_currentUsed, current.Count);
        Reset(_candidateUsed, candidate.Count);
        var matched = 0;
        foreach (var (_, i, j) in _pairs)
        {
            if (!_currentUsed[i] && !_candidateUsed[j])
            {
                _currentUsed[i] = true;
                _candidateUsed[j] = true;
                matched++;
            }
        }

        return matched;
    }

    private static void Reset(List<bool> flags, int count)
    {
        flags.Clear();
        for (var i = 0; i < count; i++)
        {
            flags.Add(false);
        }
    }
}
