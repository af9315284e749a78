using Amazon.CDK.AWS.CloudWatch;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

/// <summary>
/// A CloudWatch metric published from one field of the fleet health log (<see cref="FleetHealthLog"/>) by a metric
/// filter: one data point per health message, fleet-wide and per <see cref="FleetMetrics.ModelVersionDimension"/>.
/// </summary>
/// <param name="Name">Metric name in the fleet namespace.</param>
/// <param name="LogField">The log event field that carries the value.</param>
/// <param name="Unit">CloudWatch unit.</param>
/// <param name="Meaning">One sentence for the docs and the dashboard.</param>
public sealed record FleetMetric(string Name, string LogField, Unit Unit, string Meaning)
{
    public static readonly FleetMetric Heartbeats = new("Heartbeats", FleetHealthLog.Heartbeat, Unit.COUNT,
        "Health messages received (value 1 each); Sum × health interval ÷ period = devices reporting");

    public static readonly FleetMetric Errored = new("ErroredDevices", FleetHealthLog.Errored, Unit.COUNT,
        "1 when the component reports ERRORED, else 0; Sum × interval ÷ period = devices in ERRORED");

    public static readonly FleetMetric FramesPerSecond = new("FramesPerSecond", FleetHealthLog.FramesPerSecond, Unit.COUNT_PER_SECOND,
        "Frames processed per second of uptime, per device (since the component started)");

    public static readonly FleetMetric FailedFrameRatio = new("FailedFrameRatio", FleetHealthLog.FailedFrameRatio, Unit.NONE,
        "Failed frames ÷ all frames, per device (0–1, since the component started)");

    public static readonly FleetMetric LatencyP95 = new("LatencyP95", FleetHealthLog.LatencyP95, Unit.MILLISECONDS,
        "Per device p95 of frame latency over its last 1,024 frames (capture to published result)");

    public static readonly FleetMetric CaptureBacklog = new("CaptureBacklog", FleetHealthLog.CaptureBacklog, Unit.COUNT,
        "Captured frames waiting on the device for upload to the labeling app");

    public static readonly FleetMetric UploadFailureRatio = new("UploadFailureRatio", FleetHealthLog.UploadFailureRatio, Unit.NONE,
        "Failed capture uploads ÷ upload attempts, per device (0–1, since the component started)");

    public static readonly FleetMetric DetectionsPerFrame = new("DetectionsPerFrame", FleetHealthLog.DetectionsPerFrame, Unit.NONE,
        "Detections per processed frame, per device (since the component started)");

    public static readonly FleetMetric DefectRate = new("DefectRate", FleetHealthLog.DefectRate, Unit.NONE,
        "Frames with at least one detection ÷ frames processed, per device (0–1, since the component started)");

    public static readonly FleetMetric MeanConfidence = new("MeanConfidence", FleetHealthLog.MeanConfidence, Unit.NONE,
        "Mean confidence of the device's detections since the component started");

    public static readonly FleetMetric DriftScore = new("DriftScore", FleetHealthLog.DriftScore, Unit.NONE,
        "Combined drift score of the device's recent frames against the model's training baseline: the largest per-statistic PSI over the sliding window");

    public static readonly FleetMetric Drifted = new("DriftedDevices", FleetHealthLog.Drifted, Unit.COUNT,
        "1 when the device's drift score is above its threshold, else 0; Sum × interval ÷ period = devices drifted");

    /// <summary>Every metric the fleet metric filters publish.</summary>
    public static IReadOnlyList<FleetMetric> All { get; } =
        [Heartbeats, Errored, FramesPerSecond, FailedFrameRatio, LatencyP95, CaptureBacklog, UploadFailureRatio, DetectionsPerFrame, DefectRate, MeanConfidence, DriftScore, Drifted];
}
