using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

/// <summary>
/// One value of the fleet health log event: an IoT SQL expression over named fields of the component's health
/// message (<see cref="HealthMessage"/>, schema version 1), written under <paramref name="Name"/>.
/// </summary>
/// <param name="Name">Field of the log event (flat, camelCase).</param>
/// <param name="Expression">IoT SQL expression; reads only the message paths in <paramref name="MessagePaths"/>.</param>
/// <param name="MessagePaths">The health message fields the expression reads (dotted paths).</param>
/// <param name="Produced">
/// False for a field the component does not publish yet: IoT SQL yields Undefined for it, the log event omits it
/// and its metric filter publishes nothing until the component starts sending it.
/// </param>
public sealed record HealthLogField(string Name, string Expression, IReadOnlyList<string> MessagePaths, bool Produced = true);

/// <summary>
/// The one log event per health message that the fleet metric rule writes: named, bounded fields of the health
/// message (never <c>SELECT *</c>), flattened so that metric filters, Contributor Insights and Logs Insights read
/// them as <c>$.name</c>. Ratios are computed per device in the rule (over the component's counters since it
/// started, which restarts with every deployment), so a metric's Maximum is the worst device.
/// </summary>
public static class FleetHealthLog
{
    public const string ThingName = "thingName";
    public const string ModelVersion = "modelVersion";
    public const string ComponentVersion = "componentVersion";
    public const string State = "state";
    public const string Errored = "errored";
    public const string Heartbeat = "heartbeat";
    public const string ReceivedAt = "receivedAt";
    public const string UptimeSeconds = "uptimeSeconds";
    public const string FramesPerSecond = "framesPerSecond";
    public const string FailedFrameRatio = "failedFrameRatio";
    public const string LatencyP95 = "latencyP95Ms";
    public const string InferenceP95 = "inferenceP95Ms";
    public const string CaptureBacklog = "captureBacklog";
    public const string CaptureDropped = "captureDropped";
    public const string UploadFailures = "uploadFailures";
    public const string UploadFailureRatio = "uploadFailureRatio";
    public const string DetectionsPerFrame = "detectionsPerFrame";
    public const string DefectRate = "defectRate";
    public const string MeanConfidence = "meanConfidence";
    public const string DriftScore = "driftScore";
    public const string Drifted = "drifted";
    public const string CaptureBoostUntil = "captureBoostUntil";
    public const string ThingGroup = "thingGroup";

    /// <summary>Log field of one statistic's PSI: <c>drift</c> + the statistic's name capitalised (driftBrightness, …).</summary>
    public static string DriftStatisticField(string statistic) => $"drift{char.ToUpperInvariant(statistic[0])}{statistic[1..]}";
    public const string LastError = "lastError";

    /// <summary>Every field of the log event, in order.</summary>
    public static IReadOnlyList<HealthLogField> Fields { get; } =
    [
        new(ThingName, "topic(2)", []),
        new(ReceivedAt, "timestamp()", []),
        new(Heartbeat, "1", []),
        new(State, "state", ["state"]),
        new(Errored, $"CASE state WHEN '{ComponentStates.Errored}' THEN 1 ELSE 0 END", ["state"]),
        new(ModelVersion, "model.packageVersion", ["model.packageVersion"]),
        new(ComponentVersion, "model.componentVersion", ["model.componentVersion"]),
        new(LastError, "model.lastError", ["model.lastError"]),
        new(UptimeSeconds, "uptimeSeconds", ["uptimeSeconds"]),
        new(FramesPerSecond, "cast(frames.processed AS Decimal) / uptimeSeconds", ["frames.processed", "uptimeSeconds"]),
        new(FailedFrameRatio, "cast(frames.failed AS Decimal) / (frames.processed + frames.failed)", ["frames.failed", "frames.processed"]),
        new(LatencyP95, "latencyMs.p95", ["latencyMs.p95"]),
        new(InferenceP95, "latencyMs.inferenceP95", ["latencyMs.inferenceP95"]),
        new(CaptureBacklog, "capture.backlog", ["capture.backlog"]),
        new(CaptureDropped, "capture.dropped", ["capture.dropped"]),
        new(UploadFailures, "capture.uploadFailures", ["capture.uploadFailures"]),
        new(UploadFailureRatio, "cast(capture.uploadFailures AS Decimal) / (capture.uploaded + capture.uploadFailures)", ["capture.uploadFailures", "capture.uploaded"]),
        new(DetectionsPerFrame, "cast(frames.detections AS Decimal) / frames.processed", ["frames.detections", "frames.processed"]),
        new(DefectRate, "cast(frames.withDetections AS Decimal) / frames.processed", ["frames.withDetections", "frames.processed"]),
        new(MeanConfidence, "frames.meanConfidence", ["frames.meanConfidence"]),
        new(ThingGroup, "thingGroup", ["thingGroup"]),
        // The drift block is absent when the model ships no baseline: these fields are then Undefined and omitted.
        new(DriftScore, "drift.score", ["drift.score"]),
        new(Drifted, "CASE drift.drifted WHEN true THEN 1 ELSE 0 END", ["drift.drifted"]),
        new(CaptureBoostUntil, "drift.captureBoostUntil", ["drift.captureBoostUntil"]),
        .. DriftStatistics.All.Select(s => new HealthLogField(DriftStatisticField(s), $"drift.statistics.{s}", [$"drift.statistics.{s}"])),
    ];

    /// <summary>The rule's SQL: every field by name, from every device's health topic.</summary>
    public static string Sql(string healthTopicFilter) =>
        $"SELECT {string.Join(", ", Fields.Select(f => $"{f.Expression} AS {f.Name}"))} FROM '{healthTopicFilter}'";
}
