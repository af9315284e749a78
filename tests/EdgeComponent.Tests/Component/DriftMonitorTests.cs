using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Drift;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;

namespace EdgeComponent.Tests.Component;

public sealed class DriftMonitorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An RGB image whose pixels alternate between two greys in a checkerboard of <paramref name="cell"/> pixels.</summary>
    private static byte[] Checkerboard(int width, int height, byte dark, byte light, int cell)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = ((x / cell) + (y / cell)) % 2 == 0 ? dark : light;
                rgb.AsSpan(((y * width) + x) * 3, 3).Fill(v);
            }
        }

        return rgb;
    }

    private static DriftHistogram Histogram(double[] edges, double[] proportions) => new() { Edges = edges, Proportions = proportions };

    /// <summary>A baseline of bright, contrasty, sharp frames with one detection of confidence 0.8–0.9 each (mostly: a few in neighbouring bins).</summary>
    private static DriftBaseline Baseline() => new()
    {
        Images = 100,
        PredictedImages = 50,
        Statistics = new Dictionary<string, DriftHistogram>
        {
            [DriftStatistics.Brightness] = Histogram([60, 100, 140], [0, 0.01, 0.98, 0.01]),
            [DriftStatistics.Contrast] = Histogram([20, 40], [0, 0.01, 0.99]),
            [DriftStatistics.Sharpness] = Histogram([50, 150], [0, 0.01, 0.99]),
            [DriftStatistics.Detections] = Histogram([.. DriftStatistics.DetectionEdges], [0.01, 0.98, 0.01, 0, 0, 0]),
            [DriftStatistics.DefectRate] = Histogram([.. DriftStatistics.DefectEdges], [0.01, 0.99]),
            [DriftStatistics.Confidence] = Histogram([.. DriftStatistics.ConfidenceEdges], [0, 0, 0, 0, 0, 0, 0, 0.01, 0.98, 0.01]),
        },
    };

    private static readonly DriftSettings Settings = new() { WindowFrames = 50, MinFrames = 20, Threshold = 0.25, BoostMinutes = 30, BoostSampleFraction = 0.2 };

    [Fact]
    public void A_uniform_frame_has_its_grey_as_brightness_and_no_contrast_or_sharpness()
    {
        var counts = new long[FrameStatistics.ColourBins];

        var stats = FrameStatistics.Compute(Checkerboard(450, 300, 100, 100, 1), 450, 300, counts);

        Assert.Equal(100, stats.Brightness, 6);
        Assert.Equal(0, stats.Contrast, 6);
        Assert.Equal(0, stats.Sharpness, 6);
        // Grey 100 is bin 3 (96–127) of each channel; every sample point counts once per channel.
        const int points = DriftStatistics.GridSize * DriftStatistics.GridSize;
        Assert.Equal([0, 0, 0, points, 0, 0, 0, 0], counts.AsSpan(0, 8).ToArray());
        Assert.Equal(points, counts[8 + 3]);
        Assert.Equal(points, counts[16 + 3]);
    }

    [Fact]
    public void A_fine_checkerboard_is_sharp_and_the_same_pattern_blurred_away_is_not()
    {
        var sharp = FrameStatistics.Compute(Checkerboard(450, 300, 0, 200, 1), 450, 300, new long[FrameStatistics.ColourBins]);
        var coarse = FrameStatistics.Compute(Checkerboard(450, 300, 0, 200, 50), 450, 300, new long[FrameStatistics.ColourBins]);

        Assert.Equal(100, sharp.Brightness, 0);
        Assert.Equal(100, sharp.Contrast, 0);
        // Every neighbour of a 1-pixel checkerboard differs by 200: |4·200 − 0| or |0 − 4·200| = 800.
        Assert.Equal(800, sharp.Sharpness, 6);
        Assert.True(coarse.Sharpness < 100, $"sharpness of large cells {coarse.Sharpness}");
    }

    [Fact]
    public void At_1920_by_1080_the_laplacian_neighbours_are_three_pixels_apart_so_a_3_pixel_pattern_counts_as_sharp()
    {
        var stats = FrameStatistics.Compute(Checkerboard(1920, 1080, 0, 200, 3), 1920, 1080, new long[FrameStatistics.ColourBins]);

        Assert.True(stats.Sharpness > 400, $"sharpness {stats.Sharpness}");
    }

    [Fact]
    public void Frames_like_the_baseline_score_low_and_darkened_blurred_frames_cross_the_threshold_and_raise_capture_sampling()
    {
        var monitor = new DriftMonitor(Baseline(), Settings.WindowFrames);
        var normal = Checkerboard(450, 300, 60, 200, 1); // brightness 130, contrast 70, sharpness 560
        var drifted = Checkerboard(450, 300, 20, 40, 40); // dark, flat, blurred
        float[] oneConfident = [0.85f];

        for (var i = 0; i < 19; i++)
        {
            monitor.Record(normal, 450, 300, oneConfident, Settings.WindowFrames);
        }

        var early = monitor.Score(Settings, Now);
        Assert.Equal(0, early.Score);
        Assert.Empty(early.Statistics);
        Assert.Equal(19, early.WindowFrames);

        for (var i = 0; i < 31; i++)
        {
            monitor.Record(normal, 450, 300, oneConfident, Settings.WindowFrames);
        }

        var calm = monitor.Score(Settings, Now);
        Assert.Equal(50, calm.WindowFrames);
        Assert.Equal(DriftStatistics.All.Where(s => s != DriftStatistics.Colour).Order(StringComparer.Ordinal), calm.Statistics.Keys);
        Assert.True(calm.Score < 0.25, $"score of baseline-like frames {calm.Score}");
        Assert.False(calm.Drifted);
        Assert.Null(calm.CaptureBoostUntil);
        Assert.False(monitor.BoostActive(Now));

        for (var i = 0; i < 50; i++)
        {
            monitor.Record(drifted, 450, 300, [], Settings.WindowFrames);
        }

        var shifted = monitor.Score(Settings, Now);
        Assert.True(shifted.Drifted);
        Assert.True(shifted.Score > 1, $"score of drifted frames {shifted.Score}");
        Assert.Equal(shifted.Statistics.Values.Max(), shifted.Score, 4);
        Assert.True(shifted.Statistics[DriftStatistics.Brightness] > 0.25);
        Assert.True(shifted.Statistics[DriftStatistics.Sharpness] > 0.25);
        Assert.Equal(Now.AddMinutes(30).UtcDateTime, shifted.CaptureBoostUntil);
        Assert.True(monitor.BoostActive(Now.AddMinutes(29)));
        Assert.False(monitor.BoostActive(Now.AddMinutes(31)));
    }

    [Fact]
    public void A_drifted_period_starts_at_the_first_crossing_lasts_while_the_boost_runs_and_a_later_crossing_starts_a_new_one()
    {
        var monitor = new DriftMonitor(Baseline(), Settings.WindowFrames);
        var normal = Checkerboard(450, 300, 60, 200, 1);
        var drifted = Checkerboard(450, 300, 20, 40, 40);
        void Fill(byte[] frame)
        {
            for (var i = 0; i < Settings.WindowFrames; i++)
            {
                monitor.Record(frame, 450, 300, [0.85f], Settings.WindowFrames);
            }
        }

        Fill(normal);
        Assert.Null(monitor.Score(Settings, Now).DriftedSince);

        Fill(drifted);
        var first = monitor.Score(Settings, Now);
        Assert.Equal(Now.UtcDateTime, first.DriftedSince);
        // Still drifted 20 minutes later: the same period (the boost was running), extended.
        var still = monitor.Score(Settings, Now.AddMinutes(20));
        Assert.Equal(Now.UtcDateTime, still.DriftedSince);
        Assert.Equal(Now.AddMinutes(50).UtcDateTime, still.CaptureBoostUntil);

        // Back to normal: the period lasts until the boost ends, then there is none.
        Fill(normal);
        Assert.Equal(Now.UtcDateTime, monitor.Score(Settings, Now.AddMinutes(40)).DriftedSince);
        Assert.Null(monitor.Score(Settings, Now.AddMinutes(51)).DriftedSince);

        // Drifting again after the boost ended is a new period.
        Fill(drifted);
        Assert.Equal(Now.AddMinutes(60).UtcDateTime, monitor.Score(Settings, Now.AddMinutes(60)).DriftedSince);
    }

    [Fact]
    public void The_window_forgets_the_oldest_frames()
    {
        var monitor = new DriftMonitor(Baseline(), 10);
        for (var i = 0; i < 10; i++)
        {
            monitor.Record(Checkerboard(64, 64, 20, 40, 40), 64, 64, [], 10);
        }

        for (var i = 0; i < 10; i++)
        {
            monitor.Record(Checkerboard(64, 64, 60, 200, 1), 64, 64, [0.85f], 10);
        }

        var score = monitor.Score(Settings with { MinFrames = 10 }, Now);

        Assert.Equal(10, score.WindowFrames);
        Assert.True(score.Score < 0.25, $"score after the drifted frames left the window {score.Score}");
    }

    [Fact]
    public void A_model_without_a_baseline_has_no_monitor_and_an_unreadable_one_is_reported()
    {
        var warnings = new List<string>();

        Assert.Null(DriftMonitor.ForModel(new Dictionary<string, string>(), 100, warnings.Add));
        Assert.Null(DriftMonitor.ForModel(new Dictionary<string, string> { [OnnxMetadataKeys.DriftBaseline] = "{\"version\": 9}" }, 100, warnings.Add));
        Assert.NotNull(DriftMonitor.ForModel(new Dictionary<string, string> { [OnnxMetadataKeys.DriftBaseline] = Baseline().ToJson() }, 100, warnings.Add));
        Assert.Single(warnings);
    }

    [Fact]
    public void The_psi_of_identical_distributions_is_zero_and_grows_with_the_shift()
    {
        double[] expected = [0.25, 0.25, 0.25, 0.25];

        Assert.Equal(0, DriftStatistics.Psi(expected, [25, 25, 25, 25]), 9);
        var small = DriftStatistics.Psi(expected, [30, 25, 25, 20]);
        var large = DriftStatistics.Psi(expected, [70, 10, 10, 10]);
        Assert.InRange(small, 0.001, 0.1);
        Assert.True(large > small);
        // (0.7−0.25)·ln(0.7/0.25) + 3·(0.1−0.25)·ln(0.1/0.25)
        Assert.Equal((0.45 * Math.Log(2.8)) + (3 * -0.15 * Math.Log(0.4)), large, 9);
    }

    [Fact]
    public void While_drifted_the_raised_fraction_captures_frames_the_normal_one_would_not()
    {
        var capture = new CaptureSettings { SampleFraction = 0.01 };

        Assert.Equal(CaptureReason.Sampled, CaptureDecision.Decide(null, capture, 0.005, 0.2));
        Assert.Equal(CaptureReason.Drift, CaptureDecision.Decide(null, capture, 0.1, 0.2));
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(null, capture, 0.1));
        Assert.Equal(CaptureReason.None, CaptureDecision.Decide(null, capture, 0.3, 0.2));
    }

    [Fact]
    public void The_health_message_carries_the_defect_rate_inputs_the_thing_group_and_the_drift_block()
    {
        var tracker = new HealthTracker();
        tracker.FrameProcessed(detections: 2, totalMs: 10, inferenceMs: 5, confidenceSum: 1.5);
        tracker.FrameProcessed(detections: 0, totalMs: 10, inferenceMs: 5);
        tracker.FrameProcessed(detections: 1, totalMs: 10, inferenceMs: 5, confidenceSum: 0.9);
        var drift = new HealthDrift { Score = 0.4, Statistics = new Dictionary<string, double> { ["brightness"] = 0.4 }, WindowFrames = 300, Threshold = 0.25, Drifted = true };

        var message = HealthMessageWriter.Build("press-01", new ModelIdentity("4.0.0", "4"), tracker.Snapshot(), 0, 0, Now, thingGroup: "edgemlops-dev-fleet", drift: drift);

        Assert.Equal(3, message.Frames.Detections);
        Assert.Equal(2, message.Frames.WithDetections);
        Assert.Equal(0.8, message.Frames.MeanConfidence, 6);
        Assert.Equal("edgemlops-dev-fleet", message.ThingGroup);
        Assert.Same(drift, message.Drift);
        var read = HealthMessage.Read(message.ToJsonBytes());
        Assert.Equal(0.4, read.Drift!.Score);
        Assert.Equal("edgemlops-dev-fleet", read.ThingGroup);
    }
}
