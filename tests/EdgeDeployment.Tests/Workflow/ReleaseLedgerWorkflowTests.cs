using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// The release ledger record the synthesized edge workflow writes (DynamoDB SDK integrations), read back from the
/// fake's ledger table after a release, a rollback and a rejection; and a failing ledger that does not stop a release.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed class ReleaseLedgerWorkflowTests
{
    private const string PackageArn = "arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/4";
    private readonly LocalStateMachine _machine;
    private readonly string _canary;
    private readonly string _fleet;

    public ReleaseLedgerWorkflowTests(EdgeStageFixture stage)
    {
        _machine = stage.NewWorkflow();
        _canary = EdgeStageFixture.Group(_machine, "TargetTheCanaryGroup");
        _fleet = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup");
    }

    private FakeEdgeControlPlane Fake(bool withLineage = true)
    {
        var fake = new FakeEdgeControlPlane(_machine.Definition);
        var package = ModelReleasePlannerTests.Package(modelDataUrl: "s3://edgemlops-dev-training-artifacts/runs/4/model.onnx", version: 4);
        package["ModelPackageArn"] = PackageArn;
        if (withLineage)
        {
            var metadata = package["CustomerMetadataProperties"]!.AsObject();
            metadata[ModelPackageMetadata.PipelineExecutionId] = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/edgemlops-dev-training/execution/abc123";
            metadata[ModelPackageMetadata.DatasetSnapshotId] = "snapshot-20261205T2300";
            metadata[ModelPackageMetadata.DatasetUri] = "s3://edgemlops-dev-training-artifacts/datasets/snapshot-20261205T2300/";
            metadata[ModelPackageMetadata.TriggerSource] = "drift";
            metadata[ModelPackageMetadata.LabelingJobs] = "edgemlops-dev-labeling-1 edgemlops-dev-labeling-2";
        }

        fake.Registry.Add(package);
        fake.Groups[_canary] = ["canary-01"];
        fake.Groups[_fleet] = ["press-01", "press-02"];
        return fake;
    }

    private Task<ExecutionResult> RunAsync(FakeEdgeControlPlane fake) =>
        _machine.RunAsync(new JsonObject { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" }, fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(10) }));

    private static string S(JsonNode? value) => value!["S"]!.GetValue<string>();

    private static JsonObject Phases(JsonObject record) => record[ReleaseLedgerSchema.Phases]!["M"]!.AsObject();

    [Fact]
    public async Task Released_package_has_one_ledger_record_with_its_lineage_components_deployments_and_every_phase()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var record = Assert.Single(fake.Ledger.Items);
        Assert.Equal("metal-tag-detector", S(record[ReleaseLedgerSchema.PartitionKey]));
        Assert.Equal("4", record[ReleaseLedgerSchema.SortKey]!["N"]!.GetValue<string>());
        Assert.Equal(PackageArn, S(record[ReleaseLedgerSchema.ModelPackageArn]));
        Assert.Equal("com.edgemlops.Model", S(record[ReleaseLedgerSchema.ModelComponentName]));
        Assert.Equal("4.0.0", S(record[ReleaseLedgerSchema.ModelComponentVersion]));
        var inferenceVersion = fake.Deployments[0].Components["com.edgemlops.Inference"]!["ComponentVersion"]!.GetValue<string>();
        Assert.Equal(inferenceVersion, S(record[ReleaseLedgerSchema.InferenceComponentVersion]));
        Assert.Equal("arn:aws:sagemaker:us-east-1:111111111111:pipeline/edgemlops-dev-training/execution/abc123", S(record[ReleaseLedgerSchema.TrainingPipelineExecution]));
        Assert.Equal("snapshot-20261205T2300", S(record[ReleaseLedgerSchema.DatasetSnapshotId]));
        Assert.Equal("s3://edgemlops-dev-training-artifacts/datasets/snapshot-20261205T2300/", S(record[ReleaseLedgerSchema.DatasetUri]));
        Assert.Equal("drift", S(record[ReleaseLedgerSchema.TrainingTrigger]));
        Assert.Equal(["edgemlops-dev-labeling-1", "edgemlops-dev-labeling-2"], record[ReleaseLedgerSchema.LabelingJobs]!["L"]!.AsArray().Select(S));
        Assert.StartsWith("arn:aws:states:", S(record[ReleaseLedgerSchema.WorkflowExecution]), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(S(record[ReleaseLedgerSchema.StartedAt]), out _));
        Assert.Equal("released", S(record[ReleaseLedgerSchema.Status]));

        var phases = Phases(record);
        Assert.Equal(["approval", "canary", "canaryHealth", "fleet", "fleetHealth"], phases.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(phases.Select(p => p.Key), name => Assert.Contains(name, ReleaseLedgerSchema.PhaseNames));
        Assert.Equal(["deployed", "healthy", "approved", "deployed", "healthy"],
            new[] { "canary", "canaryHealth", "approval", "fleet", "fleetHealth" }.Select(n => S(phases[n]!["M"]![ReleaseLedgerSchema.PhaseOutcome])));
        Assert.Equal(fake.Deployments[0].DeploymentId, S(phases["canary"]!["M"]![ReleaseLedgerSchema.PhaseDeploymentId]));
        Assert.Equal(fake.Deployments[1].DeploymentId, S(phases["fleet"]!["M"]![ReleaseLedgerSchema.PhaseDeploymentId]));
        var times = new[] { "canary", "canaryHealth", "approval", "fleet", "fleetHealth" }
            .Select(n => DateTimeOffset.Parse(S(phases[n]!["M"]![ReleaseLedgerSchema.PhaseAt]), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Rolled_back_release_is_closed_as_rolled_back_with_the_unhealthy_phase_and_the_rollback_deployment()
    {
        var fake = Fake();
        fake.Heartbeat = _ => (200, 40);

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        var record = Assert.Single(fake.Ledger.Items);
        Assert.Equal("rolled-back", S(record[ReleaseLedgerSchema.Status]));
        var phases = Phases(record);
        Assert.Equal(["canary", "canaryHealth", "rollback"], phases.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("deployed", S(phases["canary"]!["M"]!["outcome"]));
        Assert.Equal("unhealthy", S(phases["canaryHealth"]!["M"]!["outcome"]));
        Assert.Equal("rolled-back", S(phases["rollback"]!["M"]!["outcome"]));
        Assert.Equal(fake.Deployments[1].DeploymentId, S(phases["rollback"]!["M"]!["deploymentId"]));
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
    }

    [Fact]
    public async Task Rejected_fleet_rollout_is_recorded_as_a_rejected_approval_and_a_rollback()
    {
        var fake = Fake();
        fake.Approve = false;

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        var record = Assert.Single(fake.Ledger.Items);
        Assert.Equal("rolled-back", S(record[ReleaseLedgerSchema.Status]));
        var approval = Phases(record)["approval"]!["M"]!;
        Assert.Equal("rejected", S(approval["outcome"]));
        Assert.Contains("FleetRolloutRejected", S(approval["error"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_without_lineage_metadata_is_recorded_with_unknown_lineage()
    {
        var fake = Fake(withLineage: false);

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var record = Assert.Single(fake.Ledger.Items);
        Assert.Equal("unknown", S(record[ReleaseLedgerSchema.TrainingPipelineExecution]));
        Assert.Equal("unknown", S(record[ReleaseLedgerSchema.TrainingTrigger]));
        Assert.Empty(record[ReleaseLedgerSchema.LabelingJobs]!["L"]!.AsArray());
    }

    [Fact]
    public async Task Failing_ledger_does_not_stop_or_fail_the_release()
    {
        var fake = Fake();
        fake.LedgerError = "DynamoDb.AccessDeniedException";

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Empty(fake.Ledger.Items);
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.Single(fake.RecordedReleases);
    }

    [Fact]
    public async Task Release_that_fails_before_the_record_is_opened_writes_no_ledger_record()
    {
        var fake = Fake();
        fake.ComponentStatus = ("FAILED", "artifact not readable");

        var result = await RunAsync(fake);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Empty(fake.Ledger.Items);
    }
}
