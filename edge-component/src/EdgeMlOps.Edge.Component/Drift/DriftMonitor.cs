using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Configuration;

namespace EdgeMlOps.Edge.Component.Drift;

/// <summary>
/// Scores the device's recent frames against the model's <see cref="DriftBaseline"/>: a sliding window of the last
/// <see cref="DriftSettings.WindowFrames"/> frames keeps each frame's bins (image statistics, detections, defect,
/// confidences), and <see cref="Score"/> turns the window's counts into a PSI per statistic and the combined score,
/// their maximum. When the combined score is above the threshold, captures are sampled at
/// <see cref="DriftSettings.BoostSampleFraction"/> until <see cref="DriftSettings.BoostMinutes"/> after the last
/// score above it; that span is one drifted period, reported with its start (<see cref="HealthDrift.DriftedSince"/>).
/// Frames are recorded by the inference loop, scores taken by the health timer: both under one lock
/// (a frame's update is a few dozen additions).
/// </summary>
public sealed class DriftMonitor
{
    private readonly object _lock = new();
    private readonly DriftBaseline _baseline;
    private readonly IReadOnlyList<double> _brightnessEdges;
    private readonly IReadOnlyList<double> _contrastEdges;
    private readonly IReadOnlyList<double> _sharpnessEdges;
    private readonly long[] _colourScratch = new long[FrameStatistics.ColourBins];
    private Window _window;
    private DateTimeOffset? _boostUntil;
    private DateTimeOffset? _driftedSince;

    public DriftMonitor(DriftBaseline baseline, int windowFrames)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        _baseline = baseline;
        _brightnessEdges = Edges(DriftStatistics.Brightness);
        _contrastEdges = Edges(DriftStatistics.Contrast);
        _sharpnessEdges = Edges(DriftStatistics.Sharpness);
        _window = new Window(windowFrames, _brightnessEdges.Count + 1, _contrastEdges.Count + 1, _sharpnessEdges.Count + 1);
    }

    /// <summary>A monitor for a model's metadata, or null when it ships no baseline (or an unreadable one, reported through <paramref name="warn"/>).</summary>
    public static DriftMonitor? ForModel(IReadOnlyDictionary<string, string> metadata, int windowFrames, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(warn);
        if (!metadata.TryGetValue(OnnxMetadataKeys.DriftBaseline, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return new DriftMonitor(DriftBaseline.Parse(json), windowFrames);
        }
        catch (FormatException ex)
        {
            warn($"drift monitoring is off: {ex.Message}");
            return null;
        }
    }

    /// <summary>Frames in the window.</summary>
    public int WindowFrames
    {
        get
        {
            lock (_lock)
            {
                return _window.Count;
            }
        }
    }

    /// <summary>Records one processed frame: its RGB pixels and the confidences of its detections.</summary>
    public void Record(ReadOnlySpan<byte> rgb, int width, int height, ReadOnlySpan<float> confidences, int windowFrames)
    {
        Array.Clear(_colourScratch);
        var image = FrameStatistics.Compute(rgb, width, height, _colourScratch);
        Span<long> confidenceBins = stackalloc long[DriftStatistics.ConfidenceEdges.Count + 1];
        foreach (var c in confidences)
        {
            confidenceBins[DriftStatistics.Bin(DriftStatistics.ConfidenceEdges, c)]++;
        }

        lock (_lock)
        {
            if (windowFrames != _window.Capacity)
            {
                // A changed window size starts a new window (the old counts describe a different span).
                _window = new Window(windowFrames, _brightnessEdges.Count + 1, _contrastEdges.Count + 1, _sharpnessEdges.Count + 1);
            }

            _window.Add(
                DriftStatistics.Bin(_brightnessEdges, image.Brightness),
                DriftStatistics.Bin(_contrastEdges, image.Contrast),
                DriftStatistics.Bin(_sharpnessEdges, image.Sharpness),
                DriftStatistics.Bin(DriftStatistics.DetectionEdges, confidences.Length),
                confidences.Length > 0 ? 1 : 0,
                _colourScratch,
                confidenceBins);
        }
    }

    /// <summary>The window's drift at <paramref name="now"/>; starts or extends the capture boost when the score is above the threshold.</summary>
    public HealthDrift Score(DriftSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_lock)
        {
            var statistics = new SortedDictionary<string, double>(StringComparer.Ordinal);
            if (_window.Count >= settings.MinFrames)
            {
                Add(statistics, DriftStatistics.Brightness, _window.Brightness);
                Add(statistics, DriftStatistics.Contrast, _window.Contrast);
                Add(statistics, DriftStatistics.Sharpness, _window.Sharpness);
                Add(statistics, DriftStatistics.Colour, _window.Colour);
                Add(statistics, DriftStatistics.Detections, _window.Detections);
                Add(statistics, DriftStatistics.DefectRate, _window.Defects);
                Add(statistics, DriftStatistics.Confidence, _window.Confidence);
            }

            var score = statistics.Count == 0 ? 0 : statistics.Values.Max();
            var drifted = score > settings.Threshold;
            if (drifted)
            {
                // A new drifted period starts when no boost runs; a score above the threshold during one extends it.
                if (_boostUntil is not { } running || running <= now)
                {
                    _driftedSince = now;
                }

                _boostUntil = now.AddMinutes(settings.BoostMinutes);
            }

            var boosting = _boostUntil is { } until && until > now;

            return new HealthDrift
            {
                Score = Math.Round(score, 4),
                Statistics = statistics.ToDictionary(s => s.Key, s => Math.Round(s.Value, 4), StringComparer.Ordinal),
                WindowFrames = _window.Count,
                Threshold = settings.Threshold,
                Drifted = drifted,
                CaptureBoostUntil = boosting ? _boostUntil!.Value.UtcDateTime : null,
                DriftedSince = boosting ? _driftedSince?.UtcDateTime : null,
            };
        }
    }

    /// <summary>True while the capture boost lasts.</summary>
    public bool BoostActive(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _boostUntil is { } until && until > now;
        }
    }

    private void Add(SortedDictionary<string, double> into, string name, long[] counts)
    {
        if (_baseline.Statistics.TryGetValue(name, out var histogram) && histogram.Proportions.Count == counts.Length)
        {
            into[name] = DriftStatistics.Psi(histogram.Proportions, counts);
        }
    }

    private IReadOnlyList<double> Edges(string name) =>
        _baseline.Statistics.TryGetValue(name, out var histogram) ? histogram.Edges : [];

    /// <summary>The last frames' bins and the window's running counts per statistic.</summary>
    private sealed class Window
    {
        private readonly int[] _scalarBins;
        private readonly long[] _colour;
        private readonly long[] _confidence;
        private int _next;

        public Window(int capacity, int brightnessBins, int contrastBins, int sharpnessBins)
        {
            Capacity = Math.Max(1, capacity);
            _scalarBins = new int[Capacity * 5];
            _colour = new long[Capacity * FrameStatistics.ColourBins];
            _confidence = new long[Capacity * (DriftStatistics.ConfidenceEdges.Count + 1)];
            Brightness = new long[brightnessBins];
            Contrast = new long[contrastBins];
            Sharpness = new long[sharpnessBins];
        }

        public int Capacity { get; }

        public int Count { get; private set; }

        public long[] Brightness { get; }

        public long[] Contrast { get; }

        public long[] Sharpness { get; }

        public long[] Detections { get; } = new long[DriftStatistics.DetectionEdges.Count + 1];

        public long[] Defects { get; } = new long[DriftStatistics.DefectEdges.Count + 1];

        public long[] Colour { get; } = new long[FrameStatistics.ColourBins];

        public long[] Confidence { get; } = new long[DriftStatistics.ConfidenceEdges.Count + 1];

        public void Add(int brightness, int contrast, int sharpness, int detections, int defect, ReadOnlySpan<long> colour, ReadOnlySpan<long> confidence)
        {
            var scalars = _scalarBins.AsSpan(_next * 5, 5);
            var colourSlot = _colour.AsSpan(_next * Colour.Length, Colour.Length);
            var confidenceSlot = _confidence.AsSpan(_next * Confidence.Length, Confidence.Length);
            if (Count == Capacity)
            {
                // The oldest frame leaves the window.
                Brightness[scalars[0]]--;
                Contrast[scalars[1]]--;
                Sharpness[scalars[2]]--;
                Detections[scalars[3]]--;
                Defects[scalars[4]]--;
                Subtract(Colour, colourSlot);
                Subtract(Confidence, confidenceSlot);
            }
            else
            {
                Count++;
            }

            scalars[0] = brightness;
            scalars[1] = contrast;
            scalars[2] = sharpness;
            scalars[3] = detections;
            scalars[4] = defect;
            colour.CopyTo(colourSlot);
            confidence.CopyTo(confidenceSlot);
            Brightness[brightness]++;
            Contrast[contrast]++;
            Sharpness[sharpness]++;
            Detections[detections]++;
            Defects[defect]++;
            AddTo(Colour, colour);
            AddTo(Confidence, confidence);
            _next = (_next + 1) % Capacity;
        }

        private static void Subtract(long[] totals, ReadOnlySpan<long> values)
        {
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] -= values[i];
            }
        }

        private static void AddTo(long[] totals, ReadOnlySpan<long> values)
        {
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += values[i];
            }
        }
    }
}
