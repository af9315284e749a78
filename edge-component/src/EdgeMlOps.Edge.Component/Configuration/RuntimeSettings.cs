using EdgeMlOps.Contracts;
using D = EdgeMlOps.Contracts.InferenceConfiguration.Defaults;

namespace EdgeMlOps.Edge.Component.Configuration;

/// <summary>Capture policy: which frames are kept for labelling (uncertain ones, plus a random sample).</summary>
public sealed record CaptureSettings
{
    /// <summary>Capture at all. Default: true (frames go to the capture sink, which is a no-op outside Greengrass).</summary>
    public bool Enabled { get; init; } = D.CaptureEnabled;

    /// <summary>Lower edge of the uncertainty band on a frame's best confidence. Default: 0.3.</summary>
    public double UncertaintyLow { get; init; } = D.CaptureUncertaintyLow;

    /// <summary>Upper edge of the uncertainty band. Default: 0.6.</summary>
    public double UncertaintyHigh { get; init; } = D.CaptureUncertaintyHigh;

    /// <summary>Fraction of all other frames captured at random (0–1). Default: 0.01.</summary>
    public double SampleFraction { get; init; } = D.CaptureSampleFraction;

    /// <summary>S3 bucket the capture uploader writes to (empty: captures stay in the local spool). Default: empty.</summary>
    public string Bucket { get; init; } = D.CaptureBucket;

    /// <summary>Key prefix of uploaded captures (set by each deployment to the labeling app's). Default: images/captured/ (<see cref="CaptureLayout.DefaultPrefix"/>).</summary>
    public string Prefix { get; init; } = D.CapturePrefix;

    /// <summary>Folder of the on-disk capture spool (relative paths are below the working directory, Greengrass's work folder). Default: capture-spool.</summary>
    public string SpoolDirectory { get; init; } = D.CaptureSpoolDirectory;

    /// <summary>Largest size of the spool in megabytes; the oldest captures are dropped beyond it. Default: 512.</summary>
    public int SpoolMaxMegabytes { get; init; } = D.CaptureSpoolMaxMegabytes;
}

/// <summary>
/// Drift monitoring: the sliding window of frames scored against the model's baseline, the threshold, and the
/// raised capture sampling after the threshold was crossed.
/// </summary>
public sealed record DriftSettings
{
    /// <summary>Monitor drift when the model ships a baseline. Default: true.</summary>
    public bool Enabled { get; init; } = D.DriftEnabled;

    /// <summary>Frames in the sliding window, 10–100000. Default: 600.</summary>
    public int WindowFrames { get; init; } = D.DriftWindowFrames;

    /// <summary>Frames the window must hold before it is scored, 1–windowFrames. Default: 200.</summary>
    public int MinFrames { get; init; } = D.DriftMinFrames;

    /// <summary>Combined PSI above which the device counts as drifted. Default: 0.25.</summary>
    public double Threshold { get; init; } = D.DriftThreshold;

    /// <summary>Capture sample fraction while drifted (0–1). Default: 0.2.</summary>
    public double BoostSampleFraction { get; init; } = D.DriftBoostSampleFraction;

    /// <summary>Minutes the raised sample fraction lasts after the score was last above the threshold, 1–1440. Default: 30.</summary>
    public int BoostMinutes { get; init; } = D.DriftBoostMinutes;
}

/// <summary>
/// Settings that can change while the component runs (thresholds, interval, topics, capture), delivered by an
/// <see cref="IRuntimeConfigurationSource"/>. JSON keys are the camelCase property names, listed with their
/// defaults in <see cref="InferenceConfiguration"/>.
/// </summary>
public sealed record RuntimeSettings
{
    /// <summary>Minimum confidence of a reported detection, 0–1. Default: 0.25.</summary>
    public double ConfidenceThreshold { get; init; } = D.ConfidenceThreshold;

    /// <summary>NMS IoU threshold, 0–1. Default: 0.45.</summary>
    public double IouThreshold { get; init; } = D.IouThreshold;

    /// <summary>Maximum detections per frame, 1–1000. Default: 100.</summary>
    public int MaxDetections { get; init; } = D.MaxDetections;

    /// <summary>Pause between frames of the simulated camera, in milliseconds (0 = as fast as possible). Default: 1000.</summary>
    public int FrameIntervalMs { get; init; } = D.FrameIntervalMs;

    /// <summary>MQTT topic of per-frame results. Default: edgemlops/{thingName}/inference/results.</summary>
    public string ResultsTopic { get; init; } = D.ResultsTopic;

    /// <summary>MQTT topic of the periodic health message. Default: edgemlops/{thingName}/inference/health.</summary>
    public string HealthTopic { get; init; } = D.HealthTopic;

    /// <summary>Seconds between health messages, 1–3600. Default: 30.</summary>
    public int HealthIntervalSeconds { get; init; } = D.HealthIntervalSeconds;

    public CaptureSettings Capture { get; init; } = new();

    /// <summary>The thing group of the deployment (set by the edge workflow), echoed in the health message. Default: empty.</summary>
    public string ThingGroup { get; init; } = D.ThingGroup;

    public DriftSettings Drift { get; init; } = new();

    /// <summary>Every problem, each naming its key and value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        CheckRange(problems, "confidenceThreshold", ConfidenceThreshold, 0, 1);
        CheckRange(problems, "iouThreshold", IouThreshold, 0, 1);
        CheckRange(problems, "maxDetections", MaxDetections, 1, 1000);
        CheckRange(problems, "frameIntervalMs", FrameIntervalMs, 0, 3_600_000);
        CheckRange(problems, "healthIntervalSeconds", HealthIntervalSeconds, 1, 3600);
        CheckTopic(problems, "resultsTopic", ResultsTopic);
        CheckTopic(problems, "healthTopic", HealthTopic);
        if (string.Equals(ResultsTopic, HealthTopic, StringComparison.Ordinal))
        {
            problems.Add($"resultsTopic and healthTopic must differ (both are '{ResultsTopic}').");
        }

        CheckRange(problems, "capture.uncertaintyLow", Capture.UncertaintyLow, 0, 1);
        CheckRange(problems, "capture.uncertaintyHigh", Capture.UncertaintyHigh, 0, 1);
        CheckRange(problems, "capture.sampleFraction", Capture.SampleFraction, 0, 1);
        CheckRange(problems, "capture.spoolMaxMegabytes", Capture.SpoolMaxMegabytes, 1, 1_000_000);
        CheckRange(problems, "drift.windowFrames", Drift.WindowFrames, 10, 100_000);
        CheckRange(problems, "drift.minFrames", Drift.MinFrames, 1, Drift.WindowFrames);
        CheckRange(problems, "drift.threshold", Drift.Threshold, 0, 100);
        CheckRange(problems, "drift.boostSampleFraction", Drift.BoostSampleFraction, 0, 1);
        CheckRange(problems, "drift.boostMinutes", Drift.BoostMinutes, 1, 1440);
        if (Capture.UncertaintyLow > Capture.UncertaintyHigh)
        {
            problems.Add($"capture.uncertaintyLow ({Capture.UncertaintyLow}) must not exceed capture.uncertaintyHigh ({Capture.UncertaintyHigh}).");
        }

        return problems;
    }

    /// <summary>The topics with <c>{thingName}</c> (or <c>{iot:thingName}</c>) filled in.</summary>
    public RuntimeSettings ForThing(string thingName) => this with
    {
        ResultsTopic = FillThingName(ResultsTopic, thingName),
        HealthTopic = FillThingName(HealthTopic, thingName),
    };

    private static string FillThingName(string topic, string thingName) => topic
        .Replace("{thingName}", thingName, StringComparison.Ordinal)
        .Replace("{iot:thingName}", thingName, StringComparison.Ordinal);

    internal static void CheckRange(List<string> problems, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            problems.Add($"{key} must be between {min} and {max} (got {value}).");
        }
    }

    private static void CheckTopic(List<string> problems, string key, string topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            problems.Add($"{key} must not be empty.");
        }
        else if (topic.Contains('#', StringComparison.Ordinal) || topic.Contains('+', StringComparison.Ordinal) || topic.StartsWith("$", StringComparison.Ordinal))
        {
            problems.Add($"{key} '{topic}' must be a plain topic to publish to (no wildcards, not reserved '$').");
        }
        else if (topic.Length > 256)
        {
            problems.Add($"{key} is {topic.Length} characters; AWS IoT allows 256.");
        }
    }
}
