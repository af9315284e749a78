using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// A stage whose canary is its only device (pre-production: the EC2 twin as canary, an empty fleet group; issue 16):
/// the synthesized workflow asks IoT whether the fleet group has a member and, when it has none, creates the fleet
/// deployment (for devices that join later) but skips the fleet's health wait, records the skip in the release
/// ledger and says so in the success e-mail. A fleet with devices is watched as before.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed class FleetWithoutDevicesTests
{
    private const string PackageArn = "arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/4";
    private readonly LocalStateMachine _machine;
    private readonly string _canary;
    private readonly string _fleet;
    private readonly string _fleetName;

    public FleetWithoutDevicesTests(EdgeStageFixture stage)
    {
        _machine = stage.NewWorkflow();
        _canary = EdgeStageFixture.Group(_machine, "TargetTheCanaryGroup");
        _fleet = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup");
        _fleetName = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup", "thingGroupName");
    }

    private FakeEdgeControlPlane Fake(params string[] fleetDevices)
    {
        var fake = new FakeEdgeControlPlane(_machine.Definition);
        var package = ModelReleasePlannerTests.Package(modelDataUrl: "s3://edgemlops-dev-training-artifacts/runs/4/model.onnx", version: 4);
        package["ModelPackageArn"] = PackageArn;
        fake.Registry.Add(package);
        fake.Groups[_canary] = ["twin-canary-01"];
        fake.Groups[_fleet] = [.. fleetDevices];
        return fake;
    }

    private Task<ExecutionResult> RunAsync(FakeEdgeControlPlane fake) =>
        _machine.RunAsync(new JsonObject { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" }, fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(10) }));

    private static string FleetHealthOutcome(FakeEdgeControlPlane fake) =>
        Assert.Single(fake.Ledger.Items)[ReleaseLedgerSchema.Phases]!["M"]!["fleetHealth"]!["M"]![ReleaseLedgerSchema.PhaseOutcome]!["S"]!.GetValue<string>();

    /// <summary>Job polls (DescribeJob) per deployment id, in call order.</summary>
    private static List<string> PolledJobs(ExecutionResult result) =>
        [.. result.InvocationsOf(EdgeDeploymentTasks.DescribeJob).Select(c => c.Parameters!["JobId"]!.GetValue<string>())];

    [Fact]
    public async Task Empty_fleet_group_gets_its_deployment_without_a_health_wait_and_the_release_is_released()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        // Both deployments exist: a device added to the fleet group later receives the release from Greengrass.
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        var fleetJob = $"job-{fake.Deployments[1].DeploymentId}";
        Assert.NotEmpty(PolledJobs(result));
        Assert.DoesNotContain(fleetJob, PolledJobs(result));
        Assert.Equal(ReleaseLedgerSchema.PhaseSkippedNoDevices, FleetHealthOutcome(fake));
        Assert.Equal("released", Assert.Single(fake.Ledger.Items)[ReleaseLedgerSchema.Status]!["S"]!.GetValue<string>());
        var recorded = JsonNode.Parse(Assert.Single(fake.RecordedReleases))!;
        Assert.Equal(fake.Deployments[1].DeploymentId, recorded["fleetDeploymentId"]!.GetValue<string>());
        var success = Assert.Single(fake.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
        Assert.Contains("the fleet group has no devices yet", success.Message, StringComparison.Ordinal);
        Assert.Contains("health wait was skipped", success.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_membership_question_names_the_fleet_group_recursively_and_asks_for_one_thing_only()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var call = Assert.Single(result.InvocationsOf(EdgeDeploymentTasks.ListThingsInThingGroup));
        Assert.Equal(_fleetName, call.Parameters!["ThingGroupName"]!.GetValue<string>());
        Assert.True(call.Parameters!["Recursive"]!.GetValue<bool>());
        Assert.Equal(1, call.Parameters!["MaxResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fleet_with_one_device_is_watched_through_the_health_gate_as_before()
    {
        var fake = Fake("press-01");

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains($"job-{fake.Deployments[1].DeploymentId}", PolledJobs(result));
        Assert.Equal("healthy", FleetHealthOutcome(fake));
        var success = Assert.Single(fake.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
        Assert.DoesNotContain("no devices", success.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_fleet_device_of_a_non_empty_group_still_rolls_back_fleet_and_canary()
    {
        var fake = Fake("press-01");
        fake.JobExecutionStatus = (thing, poll) => thing == "press-01" ? "FAILED" : poll == 1 ? "IN_PROGRESS" : "SUCCEEDED";

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _fleet, _fleet, _canary], fake.Deployments.Select(d => d.TargetArn));
    }

    [Fact]
    public async Task Empty_canary_group_is_never_skipped_and_rolls_back_at_the_deployment_limit()
    {
        // The canary's evidence is what a release rests on: only the fleet's membership is asked.
        var fake = Fake();
        fake.Groups[_canary] = [];

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Empty(result.InvocationsOf(EdgeDeploymentTasks.ListThingsInThingGroup));
        Assert.All(fake.Deployments, d => Assert.Equal(_canary, d.TargetArn));
    }

    [Fact]
    public async Task Unanswered_membership_question_watches_the_fleet_as_before()
    {
        var fake = Fake("press-01");
        var failing = new FailingMembership(fake);
        var scenario = new Scenario { Timeout = TimeSpan.FromMinutes(10) };
        foreach (var resource in EdgeDeploymentTasks.All)
        {
            scenario.Handle(resource, failing);
        }

        var result = await _machine.RunAsync(new JsonObject { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" }, scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("healthy", FleetHealthOutcome(fake));
        Assert.Contains($"job-{fake.Deployments[1].DeploymentId}", PolledJobs(result));
    }

    [Fact]
    public async Task Empty_page_with_a_next_token_counts_as_members_and_the_fleet_is_watched()
    {
        // A list API may answer a page without items but with a token for more; only "no things, no token" is empty.
        var fake = Fake("press-01");
        var scenario = new Scenario { Timeout = TimeSpan.FromMinutes(10) };
        var paged = new ReplacedMembership(fake, _ => new JsonObject { ["Things"] = new JsonArray(), ["NextToken"] = "1" });
        foreach (var resource in EdgeDeploymentTasks.All)
        {
            scenario.Handle(resource, paged);
        }

        var result = await _machine.RunAsync(new JsonObject { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" }, scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("healthy", FleetHealthOutcome(fake));
        Assert.Contains($"job-{fake.Deployments[1].DeploymentId}", PolledJobs(result));
    }

    /// <summary>The fake, except that IoT denies ListThingsInThingGroup.</summary>
    private sealed class FailingMembership(FakeEdgeControlPlane fake) : ITaskHandler
    {
        public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken) =>
            call.Resource == EdgeDeploymentTasks.ListThingsInThingGroup
                ? throw new TaskFailure("Iot.UnauthorizedException", "not authorized")
                : fake.HandleAsync(call, cancellationToken);
    }

    /// <summary>The fake, except that ListThingsInThingGroup answers what <paramref name="answer"/> gives.</summary>
    private sealed class ReplacedMembership(FakeEdgeControlPlane fake, Func<TaskCall, JsonNode> answer) : ITaskHandler
    {
        public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken) =>
            call.Resource == EdgeDeploymentTasks.ListThingsInThingGroup
                ? ValueTask.FromResult<JsonNode?>(answer(call))
                : fake.HandleAsync(call, cancellationToken);
    }
}
