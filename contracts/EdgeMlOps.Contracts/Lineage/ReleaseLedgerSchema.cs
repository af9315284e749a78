namespace EdgeMlOps.Contracts;

/// <summary>
/// The release ledger's DynamoDB layout: one item per release of a model package, keyed by the package's group
/// (partition) and version (sort, a number), kept as long as the model package (no TTL). The edge deployment
/// workflow writes it (PutItem when a release starts, UpdateItem per phase); <c>fleet status</c> reads it. Every
/// attribute name is here, once. (Heartbeats are kept by the edge app's health store; <see cref="HeartbeatRecord"/>
/// is what the fleet status command reads of them.)
/// </summary>
public static class ReleaseLedgerSchema
{
    public const string PartitionKey = "modelPackageGroupName";
    public const string SortKey = "modelPackageVersion";

    public const string ModelPackageArn = "modelPackageArn";
    public const string ModelComponentName = "modelComponentName";
    public const string ModelComponentVersion = "modelComponentVersion";
    public const string InferenceComponentVersion = "inferenceComponentVersion";
    public const string TrainingPipelineExecution = "trainingPipelineExecution";
    public const string DatasetSnapshotId = "datasetSnapshotId";
    public const string DatasetUri = "datasetUri";
    public const string LabelingJobs = "labelingJobs";
    public const string TrainingTrigger = "trainingTrigger";
    public const string WorkflowExecution = "workflowExecution";
    public const string StartedAt = "startedAt";
    public const string Status = "status";

    /// <summary>Map of phase name → { outcome, at, deploymentId? }.</summary>
    public const string Phases = "phases";
    public const string PhaseOutcome = "outcome";
    public const string PhaseAt = "at";
    public const string PhaseDeploymentId = "deploymentId";

    /// <summary>
    /// Outcome of the <c>fleetHealth</c> phase when the fleet group had no member (a stage whose canary is its only
    /// device): the fleet deployment exists, for devices that join later, but nothing was there to watch. The edge
    /// workflow's ASL writes this literal.
    /// </summary>
    public const string PhaseSkippedNoDevices = "skipped-no-devices";

    /// <summary>Phase names, in release order.</summary>
    public static readonly IReadOnlyList<string> PhaseNames = ["canary", "canaryHealth", "approval", "fleet", "fleetHealth", "rollback"];

    /// <summary>Release status values.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["in-progress", "released", "rolled-back", "failed", "rejected"];
}

/// <summary>The outcome of one phase of a release.</summary>
public sealed record PhaseOutcome(string Outcome, DateTimeOffset At, string? DeploymentId = null);

/// <summary>One release in the ledger (see <see cref="ReleaseLedgerSchema"/> for the stored names).</summary>
public sealed record ReleaseRecord
{
    public required string ModelPackageGroupName { get; init; }

    public required long ModelPackageVersion { get; init; }

    public required string ModelPackageArn { get; init; }

    public required string ModelComponentVersion { get; init; }

    public string? ModelComponentName { get; init; }

    public string? InferenceComponentVersion { get; init; }

    public string? TrainingPipelineExecution { get; init; }

    public string? DatasetSnapshotId { get; init; }

    public string? DatasetUri { get; init; }

    public IReadOnlyList<string> LabelingJobs { get; init; } = [];

    public string? TrainingTrigger { get; init; }

    public string? WorkflowExecution { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public string Status { get; init; } = "in-progress";

    public IReadOnlyDictionary<string, PhaseOutcome> Phases { get; init; } = new Dictionary<string, PhaseOutcome>();
}

/// <summary>
/// A device's latest heartbeat as the health store keeps it. <see cref="ModelComponentVersion"/> is what joins it
/// to a release; the package version and drift score are there only when the store keeps them.
/// </summary>
public sealed record HeartbeatRecord
{
    public required string ThingName { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? State { get; init; }

    public string? ModelComponentVersion { get; init; }

    public string? ModelPackageVersion { get; init; }

    public double? DriftScore { get; init; }

    public string? LastError { get; init; }
}
