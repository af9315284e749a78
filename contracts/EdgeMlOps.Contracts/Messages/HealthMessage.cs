using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The periodic health message: written by the inference component on its health topic every
/// <c>healthIntervalSeconds</c>, stored by the edge app's IoT rule (plus <c>receivedAt</c>) and read by the health
/// gate. Members missing from a message read as their defaults (fields added within a schema version are optional).
/// </summary>
public sealed record HealthMessage
{
    public const int CurrentSchemaVersion = 1;
    public const string Type = "health";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string MessageType { get; init; } = Type;

    public string ThingName { get; init; } = string.Empty;

    /// <summary>When the device wrote the message (UTC; serialised with "Z").</summary>
    public DateTime Timestamp { get; init; }

    /// <summary>The component's state in upper case: one of <see cref="ComponentStates"/>.</summary>
    public string State { get; init; } = string.Empty;

    public double UptimeSeconds { get; init; }

    public HealthModel Model { get; init; } = new();

    public HealthFrames Frames { get; init; } = new();

    /// <summary>Failed frames by reason since start (e.g. <c>corruptImage</c>, <c>inference</c>).</summary>
    public IReadOnlyDictionary<string, long> Failures { get; init; } = new Dictionary<string, long>();

    public HealthCapture Capture { get; init; } = new();

    public HealthLatency LatencyMs { get; init; } = new();

    /// <summary>
    /// The on-device acceptance check of the loaded model (added within schema version 1; a message without it reads
    /// as status <see cref="AcceptanceStatuses.None"/>).
    /// </summary>
    public HealthAcceptance Acceptance { get; init; } = new();

    /// <summary>Shadow evaluation of a candidate model (added within schema version 1); null when none runs.</summary>
    public HealthShadow? Shadow { get; init; }

    /// <summary>
    /// The thing group the deployment that configured the component targeted (configuration key <c>thingGroup</c>,
    /// merged by the edge workflow); the per-thing-group metric dimension. Null before a workflow deployment.
    /// Added within schema version 1.
    /// </summary>
    public string? ThingGroup { get; init; }

    /// <summary>
    /// Drift of the recent frames against the model's training baseline; null when the model ships no baseline or
    /// drift monitoring is off. Added within schema version 1.
    /// </summary>
    public HealthDrift? Drift { get; init; }

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, MessageSchema.Json);

    /// <summary>Reads a health message; an unknown major schema version throws <see cref="UnsupportedMessageException"/>.</summary>
    public static HealthMessage Read(JsonObject message) => MessageSchema.Read<HealthMessage>(message, Type, CurrentSchemaVersion);

    /// <summary>Reads a health message from its JSON bytes.</summary>
    public static HealthMessage Read(ReadOnlySpan<byte> json) =>
        Read(JsonNode.Parse(json) as JsonObject ?? throw new UnsupportedMessageException("a health message must be a JSON object"));
}

/// <summary>The values of <see cref="HealthMessage.State"/>.</summary>
public static class ComponentStates
{
    public const string Starting = "STARTING";
    public const string Running = "RUNNING";

    /// <summary>The component cannot serve (e.g. the model does not load); the health gate fails such a device.</summary>
    public const string Errored = "ERRORED";
    public const string Stopping = "STOPPING";

    /// <summary>
    /// The model loaded but failed its on-device acceptance check (<see cref="HealthAcceptance.Status"/> is
    /// <c>failed</c> or <c>invalid</c>): the component runs and reports, but serves no results of that model. A
    /// candidate in shadow that fails stops running while the current model keeps serving (the heartbeat names the
    /// candidate). Added within schema version 1; the health gate fails such a device.
    /// </summary>
    public const string ModelQualityFailed = "MODEL_QUALITY_FAILED";
}

/// <summary>The values of <see cref="HealthAcceptance.Status"/>.</summary>
public static class AcceptanceStatuses
{
    /// <summary>The model came without an acceptance set (a package registered before sets existed); nothing was checked.</summary>
    public const string None = "none";

    /// <summary>The set is being run (the component serves nothing yet).</summary>
    public const string Pending = "pending";

    /// <summary>Parity with the training-side predictions reached the threshold; the component serves.</summary>
    public const string Passed = "passed";

    /// <summary>Parity below the threshold: the model behaves on this device otherwise than in evaluation.</summary>
    public const string Failed = "failed";

    /// <summary>
    /// A set was declared but cannot be used (missing, unreadable, not an acceptance set, images missing or altered,
    /// classes not the model's): the model cannot be checked, which counts as a failure.
    /// </summary>
    public const string Invalid = "invalid";
}

/// <summary>
/// The result of running the model's acceptance set (<c>EdgeMlOps.Contracts.Training.AcceptanceSet</c>) on the
/// device before serving. Metrics are the device's predictions against the set's labels at the set's thresholds
/// (IoU 0.5); <c>expected*</c> are the same metrics of the training-side predictions on the same images. Parity
/// matches the device's boxes one-to-one with the training-side ones (same class, IoU ≥ <see cref="ParityIou"/>).
/// </summary>
public sealed record HealthAcceptance
{
    /// <summary>IoU at which a device box reproduces a training-side box.</summary>
    public const double ParityIou = 0.9;

    /// <summary>One of <see cref="AcceptanceStatuses"/>.</summary>
    public string Status { get; init; } = AcceptanceStatuses.None;

    /// <summary>What differed (failed), why the set is unusable (invalid), or a note (passed with differences); null otherwise.</summary>
    public string? Message { get; init; }

    /// <summary>Images of the set that were run.</summary>
    public int Images { get; init; }

    /// <summary>Device precision against the labels.</summary>
    public double Precision { get; init; }

    /// <summary>Device recall against the labels.</summary>
    public double Recall { get; init; }

    /// <summary>Device mAP at IoU 0.5 against the labels (mean over the classes that have labels).</summary>
    public double Map50 { get; init; }

    /// <summary>Precision of the training-side predictions on the same images (what the device should reach).</summary>
    public double ExpectedPrecision { get; init; }

    public double ExpectedRecall { get; init; }

    public double ExpectedMap50 { get; init; }

    /// <summary>
    /// Matched pairs / (training-side boxes + device boxes − matched pairs), 0–1: missing and extra boxes both lower
    /// it; 1 when neither side has a box.
    /// </summary>
    public double Parity { get; init; }

    /// <summary>The threshold <see cref="Parity"/> was held to (the component's <c>acceptanceParityThreshold</c>).</summary>
    public double ParityThreshold { get; init; }

    /// <summary>Boxes the training side predicted on the set's images.</summary>
    public int ExpectedBoxes { get; init; }

    /// <summary>Boxes the device predicted on them.</summary>
    public int DeviceBoxes { get; init; }

    /// <summary>Training-side boxes reproduced by a device box.</summary>
    public int MatchedBoxes { get; init; }

    /// <summary>Largest |confidence difference| over the matched pairs.</summary>
    public double MaxConfidenceDifference { get; init; }

    /// <summary>The set names the SHA-256 of the model file the device loaded (false: the set belongs to another file).</summary>
    public bool ModelMatches { get; init; }

    /// <summary>The pre-processing the device used: <c>parity</c>, or the opt-in fast paths (e.g. <c>fastDct,dctScaling</c>).</summary>
    public string? Preprocessing { get; init; }

    /// <summary>Time the check took at model load, in milliseconds.</summary>
    public double DurationMs { get; init; }
}

/// <summary>The model the component runs, and why it stopped serving if it did.</summary>
public sealed record HealthModel
{
    public string? ComponentVersion { get; init; }

    public string? PackageVersion { get; init; }

    public bool Loaded { get; init; }

    /// <summary>The last error that stopped serving (model or frame source); null when none.</summary>
    public string? LastError { get; init; }
}

/// <summary>Frame counts since the component started.</summary>
public sealed record HealthFrames
{
    public long Processed { get; init; }

    /// <summary>Frames skipped as corrupt, unsupported or failing inference.</summary>
    public long Failed { get; init; }

    public long Published { get; init; }

    public long PublishFailures { get; init; }

    public long Detections { get; init; }

    /// <summary>Frames with at least one detection (the defect rate is this ÷ <see cref="Processed"/>). Added within schema version 1.</summary>
    public long WithDetections { get; init; }

    /// <summary>Mean confidence of all detections since start; 0 without detections. Added within schema version 1.</summary>
    public double MeanConfidence { get; init; }
}

/// <summary>
/// Drift of the device's recent frames against the training baseline the model ships with
/// (<see cref="DriftBaseline"/>): the population stability index (PSI) of each statistic over the sliding window,
/// and the combined score, the largest of them.
/// </summary>
public sealed record HealthDrift
{
    /// <summary>Combined drift score: the maximum per-statistic PSI. 0 until the window holds <c>drift.minFrames</c> frames.</summary>
    public double Score { get; init; }

    /// <summary>PSI per statistic (names in <see cref="DriftStatistics"/>); empty until the window is scored.</summary>
    public IReadOnlyDictionary<string, double> Statistics { get; init; } = new Dictionary<string, double>();

    /// <summary>Frames in the window the score was computed over.</summary>
    public int WindowFrames { get; init; }

    /// <summary>The threshold above which the device counts as drifted.</summary>
    public double Threshold { get; init; }

    /// <summary>True while the score is above the threshold.</summary>
    public bool Drifted { get; init; }

    /// <summary>Until when the capture sample fraction is raised after the score crossed the threshold (UTC); null when not raised.</summary>
    public DateTime? CaptureBoostUntil { get; init; }
}

/// <summary>The capture spool and uploader.</summary>
public sealed record HealthCapture
{
    public long Captured { get; init; }

    public long Backlog { get; init; }

    public long Dropped { get; init; }

    public long Uploaded { get; init; }

    public long UploadFailures { get; init; }

    public string? LastUploadError { get; init; }

    /// <summary>Captures not queued because the write queue to the spool was full (added within schema version 1).</summary>
    public long QueueOverflow { get; init; }

    /// <summary>Captures lost to a failed spool write (disk full, I/O error).</summary>
    public long WriteFailures { get; init; }

    /// <summary>Captures larger than the whole spool quota.</summary>
    public long Rejected { get; init; }

    /// <summary>Captures whose image bytes were already pending or recently uploaded.</summary>
    public long Duplicates { get; init; }

    /// <summary>Spooled captures removed because they could not be read back for upload.</summary>
    public long Discarded { get; init; }
}

/// <summary>Latency percentiles over the last <see cref="WindowFrames"/> frames, in milliseconds.</summary>
public sealed record HealthLatency
{
    public int WindowFrames { get; init; }

    public double P50 { get; init; }

    public double P95 { get; init; }

    public double InferenceP50 { get; init; }

    public double InferenceP95 { get; init; }
}
