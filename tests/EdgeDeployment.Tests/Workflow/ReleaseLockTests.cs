using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// One release at a time, the newest approved package, never the deployed one again, and a new component version
/// for one Greengrass marked FAILED: the synthesized workflow against <see cref="FakeEdgeControlPlane"/>.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed class ReleaseLockTests
{
    private const string Package4 = "arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/4";
    private const string Package5 = "arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/5";
    private const string OtherExecution = "arn:aws:states:us-east-1:111111111111:execution:edgemlops-dev-edge-deployment:other";
    private readonly LocalStateMachine _machine;
    private readonly string _canary;
    private readonly string _fleet;

    public ReleaseLockTests(EdgeStageFixture stage)
    {
        _machine = stage.NewWorkflow();
        _canary = EdgeStageFixture.Group(_machine, "TargetTheCanaryGroup");
        _fleet = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup");
    }

    private FakeEdgeControlPlane Fake(params int[] versionsNewestFirst)
    {
        var fake = new FakeEdgeControlPlane(_machine.Definition);
        foreach (var version in versionsNewestFirst.DefaultIfEmpty(4))
        {
            var package = ModelReleasePlannerTests.Package(modelDataUrl: $"s3://edgemlops-dev-training-artifacts/runs/{version}/model.onnx", version: version);
            package["ModelPackageArn"] = $"arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/{version}";
            fake.Registry.Add(package);
        }

        fake.Groups[_canary] = ["canary-01"];
        fake.Groups[_fleet] = ["press-01", "press-02"];
        return fake;
    }

    private Task<ExecutionResult> RunAsync(FakeEdgeControlPlane fake, string packageArn = Package4) =>
        _machine.RunAsync(new JsonObject { ["modelPackageArn"] = packageArn, ["trigger"] = "model-package-approved" }, fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(3) }));

    private static JsonObject LockHeldBy(string execution) => new() { ["lockId"] = InMemoryDynamoDbTable.S("release"), ["holder"] = InMemoryDynamoDbTable.S(execution) };

    [Fact]
    public async Task A_release_takes_the_lock_and_releases_it_when_it_succeeds()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var acquire = Assert.Single(result.InvocationsOf("AcquireReleaseLock"));
        Assert.Equal("attribute_not_exists(lockId)", acquire.Parameters!["ConditionExpression"]!.GetValue<string>());
        Assert.Single(result.InvocationsOf("ReleaseReleaseLock"));
        Assert.Equal(0, fake.LockTable.Count);
    }

    [Fact]
    public async Task A_rolled_back_release_also_releases_the_lock()
    {
        var fake = Fake();
        fake.JobExecutionStatus = (_, poll) => poll == 1 ? "IN_PROGRESS" : "FAILED";

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal(0, fake.LockTable.Count);
    }

    [Fact]
    public async Task A_release_waits_while_another_running_release_holds_the_lock_and_continues_when_it_ends()
    {
        var fake = Fake();
        fake.LockTable.Put(LockHeldBy(OtherExecution));
        var checks = 0;
        fake.ExecutionStatus = _ =>
        {
            // The other release runs for three checks, then releases the lock itself.
            if (++checks == 3)
            {
                fake.LockTable.DeleteItem(new JsonObject { ["TableName"] = fake.LockTable.TableName, ["Key"] = new JsonObject { ["lockId"] = InMemoryDynamoDbTable.S("release") } });
            }

            return "RUNNING";
        };

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(3, result.EnteredStates.Count(s => s == "WaitForReleaseLock"));
        Assert.Equal(4, result.InvocationsOf("AcquireReleaseLock").Count);
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
    }

    [Fact]
    public async Task A_lock_left_by_an_execution_that_no_longer_runs_is_taken_over()
    {
        var fake = Fake();
        fake.LockTable.Put(LockHeldBy(OtherExecution));
        fake.ExecutionStatus = _ => "TIMED_OUT";

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var takeOver = Assert.Single(result.InvocationsOf("TakeOverReleaseLock"));
        Assert.Equal("holder = :ended", takeOver.Parameters!["ConditionExpression"]!.GetValue<string>());
        Assert.Equal(OtherExecution, takeOver.Parameters!["ExpressionAttributeValues"]![":ended"]!["S"]!.GetValue<string>());
        Assert.DoesNotContain("WaitForReleaseLock", result.EnteredStates);
        Assert.Equal(0, fake.LockTable.Count);
    }

    [Fact]
    public async Task A_release_that_waits_too_long_notifies_which_approval_was_not_released()
    {
        var fake = Fake();
        fake.LockTable.Put(LockHeldBy(OtherExecution));

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseLockNotAcquired", result.Error);
        Assert.Equal(200, result.EnteredStates.Count(s => s == "WaitForReleaseLock"));
        Assert.Empty(fake.Deployments);
        var notice = Assert.Single(fake.Notifications);
        Assert.Contains(Package4, notice.Message);
        Assert.Contains(OtherExecution, notice.Message);
        // The other execution's lock is untouched.
        Assert.Equal(OtherExecution, fake.LockTable.Get("release")!["holder"]!["S"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_approval_for_the_package_already_deployed_releases_nothing()
    {
        var fake = Fake();
        fake.RecordedReleases.Add(new JsonObject { ["modelPackageArn"] = Package4, ["modelPackageVersion"] = 4 }.ToJsonString());

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("AlreadyDeployed", result.EnteredStates);
        Assert.Empty(fake.Deployments);
        Assert.Empty(result.InvocationsOf(EdgeDeploymentTasks.DescribeModelPackage));
        Assert.Equal(0, fake.LockTable.Count);
    }

    [Fact]
    public async Task An_approval_superseded_by_a_newer_approved_package_releases_the_newer_one_and_says_so()
    {
        var fake = Fake(5, 4);

        var result = await RunAsync(fake, Package4);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.All(fake.Deployments, d => Assert.Equal("5.0.0", d.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>()));
        Assert.Contains(fake.Notifications, n => n.Subject.Contains("superseded", StringComparison.Ordinal) && n.Message.Contains(Package4, StringComparison.Ordinal) && n.Message.Contains(Package5, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_component_version_that_ended_failed_is_released_again_under_the_next_version()
    {
        var fake = Fake();
        fake.ExistingComponentVersions.Add("com.edgemlops.Model:4.0.0");
        fake.ComponentStatusOf = arn => arn.EndsWith(":versions:4.0.0", StringComparison.Ordinal) ? ("FAILED", "Artifact was deleted") : ("DEPLOYABLE", "NONE");

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(["4.0.0", "4.0.1"], result.InvocationsOf("CheckPackageAndRenderModelRecipe").Select(i => i.Output!["Payload"]!["release"]!["componentVersion"]!.GetValue<string>()));
        Assert.All(fake.Deployments, d => Assert.Equal("4.0.1", d.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>()));
    }
}
