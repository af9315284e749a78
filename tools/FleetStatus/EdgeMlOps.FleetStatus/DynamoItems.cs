using System.Globalization;
using Amazon.DynamoDBv2.Model;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.FleetStatus;

/// <summary>
/// Maps DynamoDB items to the core's records. Pure (no calls), so it is tested without AWS. Reads the health
/// store in both layouts it has had: flat named fields (<c>modelComponentVersion</c>, <c>driftScore</c>) and the
/// whole health message (<c>model.componentVersion</c>, <c>model.packageVersion</c>, <c>drift.score</c>).
/// </summary>
public static class DynamoItems
{
    public static HeartbeatRecord Heartbeat(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var thing = S(item, "thingName") ?? throw new FormatException("heartbeat item without thingName");
        var receivedMs = N(item, "receivedAt") ?? throw new FormatException($"heartbeat item of {thing} without a numeric receivedAt");
        var model = M(item, "model");
        var drift = M(item, "drift");
        return new HeartbeatRecord
        {
            ThingName = thing,
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)receivedMs),
            State = S(item, "state"),
            ModelComponentVersion = S(item, "modelComponentVersion") ?? (model is null ? null : S(model, "componentVersion")),
            ModelPackageVersion = S(item, "modelPackageVersion") ?? (model is null ? null : S(model, "packageVersion")),
            DriftScore = N(item, "driftScore") ?? (drift is null ? null : N(drift, "score")),
            LastError = S(item, "lastError") ?? (model is null ? null : S(model, "lastError")),
        };
    }

    public static ReleaseRecord Release(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string Required(string name) => S(item, name) ?? throw new FormatException($"release ledger item without {name}");
        var phases = M(item, ReleaseLedgerSchema.Phases) ?? new Dictionary<string, AttributeValue>();
        return new ReleaseRecord
        {
            ModelPackageGroupName = Required(ReleaseLedgerSchema.PartitionKey),
            ModelPackageVersion = (long)(N(item, ReleaseLedgerSchema.SortKey) ?? throw new FormatException($"release ledger item without numeric {ReleaseLedgerSchema.SortKey}")),
            ModelPackageArn = Required(ReleaseLedgerSchema.ModelPackageArn),
            ModelComponentVersion = Required(ReleaseLedgerSchema.ModelComponentVersion),
            ModelComponentName = S(item, ReleaseLedgerSchema.ModelComponentName),
            InferenceComponentVersion = S(item, ReleaseLedgerSchema.InferenceComponentVersion),
            TrainingPipelineExecution = S(item, ReleaseLedgerSchema.TrainingPipelineExecution),
            DatasetSnapshotId = S(item, ReleaseLedgerSchema.DatasetSnapshotId),
            DatasetUri = S(item, ReleaseLedgerSchema.DatasetUri),
            LabelingJobs = item.TryGetValue(ReleaseLedgerSchema.LabelingJobs, out var jobs) && jobs.L is { } list ? list.Select(j => j.S).OfType<string>().ToList() : [],
            TrainingTrigger = S(item, ReleaseLedgerSchema.TrainingTrigger),
            WorkflowExecution = S(item, ReleaseLedgerSchema.WorkflowExecution),
            StartedAt = Time(S(item, ReleaseLedgerSchema.StartedAt)),
            Status = S(item, ReleaseLedgerSchema.Status) ?? "in-progress",
            Phases = phases
                .Where(p => p.Value.M is not null)
                .ToDictionary(p => p.Key, p => new PhaseOutcome(
                    S(p.Value.M, ReleaseLedgerSchema.PhaseOutcome) ?? "unknown",
                    Time(S(p.Value.M, ReleaseLedgerSchema.PhaseAt)) ?? DateTimeOffset.MinValue,
                    S(p.Value.M, ReleaseLedgerSchema.PhaseDeploymentId))),
        };
    }

    private static string? S(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) ? v.S ?? v.N : null;

    private static double? N(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && double.TryParse(v.N ?? v.S, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static Dictionary<string, AttributeValue>? M(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) ? v.M : null;

    private static DateTimeOffset? Time(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
