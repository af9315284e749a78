using EdgeDeployment.Tests.Template;
using EdgeMlOps.ScaleBenchmark;
using EdgeMlOps.ScaleBenchmark.Edge;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// Scenarios 1–4 of scripts/scale.sh at a tenth of their size: a canary of 20 and a fleet of 1,000 devices rolling out
/// at the dev rate, through the synthesized edge workflow under the strict harness. Each asserts the outcome and that
/// every execution stays within half the history and payload quotas; the health gate's cost is measured, not asserted
/// (wall time depends on the machine).
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed class EdgeScaleScenarioTests(EdgeStageFixture stage)
{
    private static readonly EdgeScaleOptions Smaller = new() { CanaryDevices = 20, FleetDevices = 1_000 };

    private EdgeReleaseAtScale Scenario(EdgeReleaseCase release) =>
        new(release, Smaller, () => new EdgeWorkflowUnderTest(stage.TemplateJson, stage.Settings));

    private static void AssertWithinHalfTheQuotas(EdgeReleaseAtScale scenario, ScaleScenarioResult result)
    {
        Assert.True(result.WithinTargets, result.ToString());
        Assert.All(scenario.LastExecutions.SelectMany(e => e.SelfAndDescendants), e =>
        {
            Assert.InRange(e.Quota.HistoryEvents, 1, ScaleScenarioResult.HistoryEventTarget);
            Assert.InRange(e.Quota.MaxPayloadBytes, 1, ScaleScenarioResult.PayloadByteTarget);
        });
        Assert.True(scenario.LastGate!.Calls > 0);
    }

    [Fact]
    public async Task A_healthy_release_to_1000_devices_is_promoted_within_half_the_quotas()
    {
        var scenario = Scenario(EdgeReleaseCase.Healthy);

        var result = await scenario.RunAsync(CancellationToken.None);

        AssertWithinHalfTheQuotas(scenario, result);
        var run = Assert.Single(scenario.LastExecutions);
        Assert.Equal(ExecutionStatus.Succeeded, run.Status);
        var fake = scenario.LastControlPlane!;
        Assert.Equal(2, fake.Deployments.Count);
        Assert.Single(fake.RecordedReleases);
        // Every device of both groups reported a healthy heartbeat from the new model.
        Assert.Equal(1_020, fake.HealthTable.Count);
        Assert.Empty(scenario.LastNamed);
    }

    [Fact]
    public async Task A_canary_with_errored_devices_and_long_error_texts_is_rolled_back_naming_exactly_them()
    {
        var scenario = Scenario(EdgeReleaseCase.ErroredCanary);

        var result = await scenario.RunAsync(CancellationToken.None);

        AssertWithinHalfTheQuotas(scenario, result);
        Assert.Equal("ReleaseRolledBack", Assert.Single(scenario.LastExecutions).Error);
        Assert.Equal(3, scenario.LastExpectedNamed.Count);
        Assert.Equal(scenario.LastExpectedNamed, scenario.LastNamed);
        var notice = Assert.Single(scenario.LastControlPlane!.Notifications, n => n.Subject.Contains("rolled back", StringComparison.Ordinal));
        Assert.All(scenario.LastExpectedNamed, d => Assert.Contains(d, notice.Message, StringComparison.Ordinal));
        // The 520-character texts arrive cut to the 256 the health rule keeps.
        var error = EdgeReleaseAtScale.ErrorText(520);
        Assert.Contains(error[..256], notice.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error[..257], notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_failing_in_the_fleet_rolls_back_fleet_and_canary_naming_the_failed_devices()
    {
        var scenario = Scenario(EdgeReleaseCase.FailingFleet);

        var result = await scenario.RunAsync(CancellationToken.None);

        AssertWithinHalfTheQuotas(scenario, result);
        Assert.Equal("ReleaseRolledBack", Assert.Single(scenario.LastExecutions).Error);
        Assert.Equal(5, scenario.LastExpectedNamed.Count);
        Assert.Equal(scenario.LastExpectedNamed, scenario.LastNamed);
        Assert.Equal(4, scenario.LastControlPlane!.Deployments.Count);
        Assert.Empty(scenario.LastControlPlane.RecordedReleases);
    }

    [Fact]
    public async Task Two_approvals_close_together_are_released_one_after_the_other()
    {
        var scenario = Scenario(EdgeReleaseCase.TwoApprovals);

        var result = await scenario.RunAsync(CancellationToken.None);

        AssertWithinHalfTheQuotas(scenario, result);
        Assert.Equal(2, scenario.LastExecutions.Count);
        Assert.All(scenario.LastExecutions, e => Assert.Equal(ExecutionStatus.Succeeded, e.Status));
        var fake = scenario.LastControlPlane!;
        // 4.0.0 to canary and fleet; then 5.0.0, which has a current model: canary in shadow, canary serving, fleet.
        Assert.Equal(["4.0.0", "4.0.0", "5.0.0", "5.0.0", "5.0.0"], fake.Deployments.Select(d => d.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>()));
        Assert.Contains("WaitForReleaseLock", scenario.LastExecutions[1].EnteredStates);
        Assert.DoesNotContain("WaitForReleaseLock", scenario.LastExecutions[0].EnteredStates);
        Assert.Equal(2, fake.RecordedReleases.Count);
        Assert.Equal(0, fake.LockTable.Count);
    }
}
