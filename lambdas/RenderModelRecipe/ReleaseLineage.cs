using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Where a model package came from, read from its metadata for the release ledger: the training execution, the
/// dataset snapshot, the labeling jobs behind it and what started the training. A key the package lacks is
/// <see cref="Unknown"/>, so the workflow's ledger write never meets a missing path.
/// </summary>
public sealed record ReleaseLineage(string TrainingPipelineExecution, string DatasetSnapshotId, string DatasetUri, string TrainingTrigger, IReadOnlyList<string> LabelingJobs)
{
    public const string Unknown = "unknown";

    public static ReleaseLineage From(JsonObject? metadata)
    {
        string Read(string key) => metadata?[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : Unknown;
        var jobs = metadata?[ModelPackageMetadata.LabelingJobs] is JsonValue j && j.TryGetValue<string>(out var joined) && joined != ModelPackageMetadata.NoLabelingJobs
            ? joined.Split(ModelPackageMetadata.LabelingJobSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new ReleaseLineage(Read(ModelPackageMetadata.PipelineExecutionId), Read(ModelPackageMetadata.DatasetSnapshotId),
            Read(ModelPackageMetadata.DatasetUri), Read(ModelPackageMetadata.TriggerSource), jobs);
    }

    /// <summary>The ledger's attribute names (<see cref="ReleaseLedgerSchema"/>); labeling jobs as DynamoDB string attributes ({"S": name}).</summary>
    public JsonObject ToJson() => new()
    {
        [ReleaseLedgerSchema.TrainingPipelineExecution] = TrainingPipelineExecution,
        [ReleaseLedgerSchema.DatasetSnapshotId] = DatasetSnapshotId,
        [ReleaseLedgerSchema.DatasetUri] = DatasetUri,
        [ReleaseLedgerSchema.TrainingTrigger] = TrainingTrigger,
        [ReleaseLedgerSchema.LabelingJobs] = new JsonArray([.. LabelingJobs.Select(j => (JsonNode)new JsonObject { ["S"] = j })]),
    };
}
