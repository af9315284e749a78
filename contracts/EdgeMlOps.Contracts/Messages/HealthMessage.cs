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

    /// <summary>Shadow evaluation of a candidate model (added within schema version 1); null when none runs.</summary>
    public HealthShadow? Shadow { get; init; }

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
