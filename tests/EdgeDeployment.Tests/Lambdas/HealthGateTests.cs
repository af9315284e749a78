using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;
using EdgeMlOps.Testing.Greengrass;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

/// <summary>The health gate decides from counts over every device and bounded pages of failures.</summary>
public sealed class HealthGateTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    // 60 s polls: 60 min limit = 60 polls (plus the rollout time), 3 min soak = 3 polls.
    private static readonly HealthGateSettings s_settings = new(PollIntervalSeconds: 60, SoakMinutes: 3, MaxErrorRate: 0.05, MinFramesPerDevice: 10, MaxDeploymentMinutes: 60, HeartbeatMaxAgeSeconds: 300);

    private static JobCounts Succeeded(int devices) => new(devices, 0, 0, 0, 0, 0, 0, 0, "IN_PROGRESS");

    private static HealthGateInput Input(JobCounts job, int healthy, WatchState? watch = null, int failing = 0, IReadOnlyList<FailingHeartbeat>? examples = null,
        IReadOnlyList<string>? failedExecutions = null, IReadOnlyList<string>? unhealthy = null, int rate = 10) =>
        new("canary", s_now, "4.0.0", job, failedExecutions ?? [], unhealthy ?? [], false, new HeartbeatCounts(healthy, failing, examples ?? []), watch ?? new WatchState(0, 0), s_settings, rate);

    [Fact]
    public void Waits_while_the_soak_runs_then_passes()
    {
        var first = HealthGate.Evaluate(Input(Succeeded(2), healthy: 2));
        var second = HealthGate.Evaluate(Input(Succeeded(2), healthy: 2, first.Watch));
        var third = HealthGate.Evaluate(Input(Succeeded(2), healthy: 2, second.Watch));

        Assert.Equal(Verdict.Wait, first.Verdict);
        Assert.Equal(Verdict.Wait, second.Verdict);
        Assert.Equal(Verdict.Healthy, third.Verdict);
        Assert.Equal(3, third.Watch.Polls);
        Assert.Equal(3, third.Watch.HealthyPolls);
    }

    [Fact]
    public void The_next_poll_counts_only_heartbeats_younger_than_the_maximum_age()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(2), healthy: 2));

        Assert.Equal(s_now.AddSeconds(-300).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), verdict.Watch.HeartbeatsSinceMs);
    }

    [Fact]
    public void A_failed_job_execution_fails_the_gate_at_once_naming_the_device()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(2) with { Failed = 1 }, healthy: 2, failedExecutions: ["b"]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        var finding = Assert.Single(verdict.FailedDevices);
        Assert.Equal(new DeviceFinding("b", "deployment job execution FAILED"), finding);
        Assert.Contains("1 job execution(s) ended badly (failed 1", verdict.Summary);
    }

    [Theory]
    [InlineData(0, 1, 0, 0)]
    [InlineData(0, 0, 1, 0)]
    [InlineData(0, 0, 0, 1)]
    public void Executions_that_timed_out_were_rejected_or_canceled_fail_the_gate_by_count(int failed, int timedOut, int rejected, int canceled)
    {
        var verdict = HealthGate.Evaluate(Input(new JobCounts(3, failed, timedOut, rejected, canceled, 0, 0, 0), healthy: 3));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("1 job execution(s) ended badly", verdict.Summary);
    }

    [Fact]
    public void A_canceled_job_fails_the_gate()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(3) with { Status = "CANCELED" }, healthy: 3));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("abort criteria", verdict.Summary);
    }

    [Fact]
    public void An_unhealthy_core_device_fails_the_gate()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(2), healthy: 2, unhealthy: ["a"]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal("a", verdict.FailedDevices[0].ThingName);
        Assert.Contains("UNHEALTHY", verdict.FailedDevices[0].Reason);
    }

    [Fact]
    public void A_device_whose_model_failed_its_acceptance_check_fails_the_gate_with_what_differed()
    {
        const string differed = "acceptance failed: parity 0.00 below 0.90 (0 of 17 training-side boxes reproduced)";
        var verdict = HealthGate.Evaluate(Input(Succeeded(50), healthy: 49, failing: 1,
            examples: [new FailingHeartbeat("cam-7", "MODEL_QUALITY_FAILED", differed, 0, 0)]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        var failed = Assert.Single(verdict.FailedDevices);
        Assert.Equal("cam-7", failed.ThingName);
        Assert.Equal($"the model failed its on-device acceptance check (MODEL_QUALITY_FAILED): {differed}", failed.Reason);
    }

    [Fact]
    public void A_component_reporting_errored_fails_the_gate_with_its_error_cut_to_the_limit()
    {
        var error = new string('x', 520);
        var verdict = HealthGate.Evaluate(Input(Succeeded(50), healthy: 47, failing: 3,
            examples: [new FailingHeartbeat("a", "ERRORED", error, 0, 0), new FailingHeartbeat("b", "ERRORED", error, 0, 0), new FailingHeartbeat("c", "ERRORED", error, 0, 0)]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal(["a", "b", "c"], verdict.FailedDevices.Select(f => f.ThingName));
        Assert.All(verdict.FailedDevices, f => Assert.Equal($"the inference component reports ERRORED: {new string('x', HealthGate.MaxErrorLength)}", f.Reason));
        Assert.Contains("3 device(s) report errors from model component 4.0.0 (of 50 device(s))", verdict.Summary);
    }

    [Fact]
    public void An_error_rate_above_the_limit_fails_the_gate_with_the_rate()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(2), healthy: 1, failing: 1, examples: [new FailingHeartbeat("b", "RUNNING", null, 200, 40)]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal("inference error rate 0.2 (40 of 200 frames) above 0.05", Assert.Single(verdict.FailedDevices).Reason);
    }

    [Fact]
    public void Shadow_results_beyond_the_bounds_fail_the_device_with_every_bound_crossed()
    {
        var item = HealthTableItems.Heartbeat("canary-1", 1, "RUNNING", "4.0.0", 400, 0, shadow: new HealthShadow
        {
            FramesCompared = 25, CurrentDefectFrames = 20, MissedDefectFrames = 20, DefectRateDifference = -0.8, BoxF1 = 0, LatencyP95Ratio = 2.5,
        });
        var heartbeat = Assert.IsType<FailingHeartbeat>(FailingHeartbeat.FromItem(item));

        var verdict = HealthGate.Evaluate(Input(Succeeded(2), healthy: 1, failing: 1, examples: [heartbeat]));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal(
            "shadow evaluation failed: the candidate found nothing on 20 of the 20 frames where the current model finds defects (1 > 0.5); " +
            "defect rate differs by -0.8 over 25 frames (bound ±0.1); box F1 against the current model 0 < 0.5; inference p95 2.5x the current model's (0 vs 0 ms; bound 1.5x)",
            Assert.Single(verdict.FailedDevices).Reason);
    }

    [Fact]
    public void The_approval_evidence_of_a_50_device_canary_summarises_all_and_names_the_five_lowest_agreements_within_2000_characters()
    {
        var items = Enumerable.Range(1, 50).Select(i => HealthTableItems.Heartbeat($"canary-{i:00}", 1, "RUNNING", "4.0.0", 400, 0, shadow: new HealthShadow
        {
            FramesCompared = 30, CurrentDefectFrames = 10, MissedDefectFrames = i % 3, DefectRateDifference = (i % 5 - 2) / 100.0, BoxF1 = 0.5 + (i / 100.0), LatencyP95Ratio = 1 + (i / 200.0),
        })).Append(HealthTableItems.Heartbeat("no-shadow", 1, "RUNNING", "4.0.0", 400, 0));

        var text = ShadowEvidence.Summarise(items, moreItems: false);

        Assert.StartsWith("Shadow evaluation of the candidate against the current model on 50 canary device(s): 1500 frames compared; box F1 min 0.51, mean 0.755; " +
            "defect-rate difference -0.02 to +0.02; frames where only the current model found a defect 51 of 500; latency p95 ratio max 1.25.", text, StringComparison.Ordinal);
        Assert.Equal(["canary-01", "canary-02", "canary-03", "canary-04", "canary-05"],
            text.Split('\n').Skip(2).Select(l => l.Trim().Split(':')[0]));
        Assert.True(text.Length <= ShadowEvidence.MaxCharacters);
    }

    [Fact]
    public void At_most_ten_failed_devices_are_named_and_the_counts_cover_the_rest()
    {
        var things = Enumerable.Range(0, 10).Select(i => $"press-{i:D4}").ToList();
        var verdict = HealthGate.Evaluate(Input(new JobCounts(9_000, 1_000, 0, 0, 0, 0, 0, 0), healthy: 9_000, failedExecutions: things,
            failing: 500, examples: [.. Enumerable.Range(0, 100).Select(i => new FailingHeartbeat($"cam-{i}", "ERRORED", "boom", 0, 0))]));

        Assert.Equal(HealthGate.MaxExamples, verdict.FailedDevices.Count);
        Assert.Contains("1000 job execution(s) ended badly", verdict.Summary);
        Assert.Contains("500 device(s) report errors", verdict.Summary);
        Assert.True(verdict.ToJson().ToJsonString().Length < 8_000);
    }

    [Fact]
    public void Devices_still_deploying_keep_the_gate_waiting_and_reset_the_soak()
    {
        var verdict = HealthGate.Evaluate(Input(new JobCounts(8, 0, 0, 0, 0, 0, 1, 1), healthy: 8, new WatchState(4, 2)));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Equal(0, verdict.Watch.HealthyPolls);
        Assert.Contains("2 of 10 device(s) still QUEUED or IN_PROGRESS", verdict.Summary);
    }

    [Fact]
    public void Deployed_devices_without_a_fresh_healthy_heartbeat_keep_the_gate_waiting()
    {
        var verdict = HealthGate.Evaluate(Input(Succeeded(10), healthy: 7));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Contains("3 of 10 deployed device(s) without a fresh healthy heartbeat from model component 4.0.0", verdict.Summary);
    }

    [Fact]
    public void An_empty_group_never_passes()
    {
        var verdict = HealthGate.Evaluate(Input(new JobCounts(0, 0, 0, 0, 0, 0, 0, 0), healthy: 0));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Contains("no devices", verdict.Summary);
    }

    [Fact]
    public void The_time_limit_grows_with_the_rollout_time_of_the_job()
    {
        // 10,000 devices at 500/min need 20 min of rollout: 60 + 20 = 80 polls of 60 s.
        var deploying = new JobCounts(5_000, 0, 0, 0, 0, 0, 1_000, 4_000);

        var before = HealthGate.Evaluate(Input(deploying, healthy: 5_000, new WatchState(78, 0), rate: 500));
        var at = HealthGate.Evaluate(Input(deploying, healthy: 5_000, new WatchState(79, 0), rate: 500));

        Assert.Equal(Verdict.Wait, before.Verdict);
        Assert.Equal(Verdict.Unhealthy, at.Verdict);
        Assert.Contains("not healthy after 80 min (limit 80 min: 60 min plus 10000 device(s) at 500/min)", at.Summary);
    }

    [Fact]
    public void A_small_canary_keeps_the_configured_limit()
    {
        Assert.Equal(61, s_settings.MaxProgressPolls(devices: 50, rolloutMaximumPerMinute: 500));
        Assert.Equal(65, s_settings.MaxProgressPolls(devices: 50, rolloutMaximumPerMinute: 10));
    }

    [Fact]
    public void Every_watch_ends_even_when_the_soak_never_completes()
    {
        // Healthy but the soak counter keeps being reset elsewhere: the watch ends at limit plus soak.
        var verdict = HealthGate.Evaluate(Input(Succeeded(1), healthy: 1, new WatchState(63, 0)));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("the soak did not complete", verdict.Summary);
    }

    [Fact]
    public void Reads_step_functions_results_and_dynamodb_items_as_the_workflow_passes_them()
    {
        var json = JsonNode.Parse($$$"""
            {
              "phase": "fleet",
              "expectedModelComponentVersion": "4.0.1",
              "now": "2026-11-22T03:00:00Z",
              "job": {"Status": "IN_PROGRESS", "JobProcessDetails": {"NumberOfSucceededThings": 2, "NumberOfFailedThings": 1, "NumberOfQueuedThings": 0}},
              "failedExecutions": {"ExecutionSummaries": [{"ThingArn": "arn:aws:iot:us-east-1:111111111111:thing/press-3", "JobExecutionSummary": {"Status": "FAILED"}}]},
              "unhealthyCoreDevices": {"CoreDevices": []},
              "heartbeats": {"healthy": 1, "failing": 1, "failingExamples": [{{{HealthTableItems.Heartbeat("press-2", 1, "ERRORED", "4.0.1", 0, 0, "model file missing").ToJsonString()}}}]},
              "watch": {"polls": 4, "healthyPolls": 0, "heartbeatsSinceMs": "0"},
              "healthGate": {"pollIntervalSeconds": 60, "soakMinutes": 3, "maxErrorRate": 0.05, "minFramesPerDevice": 10, "maxDeploymentMinutes": 60, "heartbeatMaxAgeSeconds": 300},
              "rolloutMaximumPerMinute": 500
            }
            """)!.AsObject();

        var verdict = HealthGate.Evaluate(HealthGateInput.FromJson(json));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal(["press-3", "press-2"], verdict.FailedDevices.Select(f => f.ThingName));
        Assert.Equal("the inference component reports ERRORED: model file missing", verdict.FailedDevices[1].Reason);
        Assert.Equal(5, verdict.Watch.Polls);
    }

    [Fact]
    public void Fails_if_the_rollout_rate_is_missing()
    {
        var json = JsonNode.Parse("""{"expectedModelComponentVersion": "1.0.0", "healthGate": {"pollIntervalSeconds": 60, "soakMinutes": 3, "maxErrorRate": 0.05, "minFramesPerDevice": 10, "maxDeploymentMinutes": 60, "heartbeatMaxAgeSeconds": 300}}""")!.AsObject();

        var error = Assert.Throws<ArgumentException>(() => HealthGateInput.FromJson(json));

        Assert.Contains("rolloutMaximumPerMinute", error.Message);
    }
}
