using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

public sealed class HealthGateTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    // 60 s polls: 60 min limit = 60 polls, 3 min soak = 3 polls.
    private static readonly HealthGateSettings s_settings = new(PollIntervalSeconds: 60, SoakMinutes: 3, MaxErrorRate: 0.05, MinFramesPerDevice: 10, MaxDeploymentMinutes: 60, HeartbeatMaxAgeSeconds: 300);

    private static DeviceObservation Healthy(string thing, long frames = 100, long failures = 0) =>
        new(thing, "SUCCEEDED", "HEALTHY", new DeviceHeartbeat(thing, s_now.AddSeconds(-30), frames, failures, "4.0.0"));

    private static HealthVerdict Evaluate(WatchState watch, params DeviceObservation[] devices) =>
        HealthGate.Evaluate(new HealthGateInput("canary", s_now, "4.0.0", devices, watch, s_settings));

    [Fact]
    public void Waits_while_the_soak_runs_then_passes()
    {
        var first = Evaluate(new WatchState(0, 0), Healthy("a"), Healthy("b"));
        var second = Evaluate(first.Watch, Healthy("a"), Healthy("b"));
        var third = Evaluate(second.Watch, Healthy("a"), Healthy("b"));

        Assert.Equal(Verdict.Wait, first.Verdict);
        Assert.Equal(Verdict.Wait, second.Verdict);
        Assert.Equal(Verdict.Healthy, third.Verdict);
        Assert.Equal(new WatchState(3, 3), third.Watch);
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData("TIMED_OUT")]
    [InlineData("REJECTED")]
    [InlineData("CANCELED")]
    public void A_failed_job_execution_fails_the_gate_at_once_naming_the_device(string status)
    {
        var verdict = Evaluate(new WatchState(0, 0), Healthy("a"), new DeviceObservation("b", status, "HEALTHY", null));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        var finding = Assert.Single(verdict.FailedDevices);
        Assert.Equal("b", finding.ThingName);
        Assert.Equal($"deployment job execution {status}", finding.Reason);
    }

    [Fact]
    public void An_unhealthy_core_device_fails_the_gate()
    {
        var verdict = Evaluate(new WatchState(0, 0), Healthy("a") with { CoreDeviceStatus = "UNHEALTHY" });

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("UNHEALTHY", verdict.FailedDevices[0].Reason);
    }

    [Fact]
    public void An_error_rate_above_the_limit_fails_the_gate()
    {
        var verdict = Evaluate(new WatchState(0, 0), Healthy("a"), Healthy("b", frames: 100, failures: 6));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal("b", verdict.FailedDevices.Single().ThingName);
        Assert.Contains("error rate 0.06 (6 of 100 frames) above 0.05", verdict.FailedDevices.Single().Reason);
    }

    [Fact]
    public void An_error_rate_at_the_limit_passes()
    {
        Assert.NotEqual(Verdict.Unhealthy, Evaluate(new WatchState(0, 0), Healthy("a", frames: 100, failures: 5)).Verdict);
    }

    [Theory]
    [InlineData("IN_PROGRESS")]
    [InlineData("QUEUED")]
    [InlineData(null)]
    public void A_device_still_deploying_keeps_the_gate_waiting_and_resets_the_soak(string? status)
    {
        var verdict = Evaluate(new WatchState(5, 2), Healthy("a"), new DeviceObservation("b", status, "HEALTHY", null));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Equal(new WatchState(6, 0), verdict.Watch);
    }

    [Fact]
    public void A_device_still_in_progress_at_the_time_limit_fails_the_gate()
    {
        var verdict = Evaluate(new WatchState(59, 0), Healthy("a"), new DeviceObservation("b", "IN_PROGRESS", "HEALTHY", null));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Equal("b", verdict.FailedDevices.Single().ThingName);
        Assert.Contains("deployment job execution IN_PROGRESS", verdict.Summary);
        Assert.Contains("limit 60 min", verdict.Summary);
    }

    [Fact]
    public void Failed_devices_beyond_the_listed_page_fail_the_gate()
    {
        var job = new JobCounts(Succeeded: 150, Failed: 2, TimedOut: 0, Rejected: 0, Canceled: 0, Removed: 0, InProgress: 0, Queued: 0);

        var verdict = HealthGate.Evaluate(new HealthGateInput("fleet", s_now, "4.0.0", [Healthy("a"), Healthy("b")], new WatchState(0, 0), s_settings, job));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("2 more device(s) of the job ended FAILED", verdict.FailedDevices.Single().Reason);
    }

    [Fact]
    public void Pending_devices_beyond_the_listed_page_keep_the_gate_waiting()
    {
        var job = new JobCounts(Succeeded: 2, Failed: 0, TimedOut: 0, Rejected: 0, Canceled: 0, Removed: 0, InProgress: 40, Queued: 8);

        var verdict = HealthGate.Evaluate(new HealthGateInput("fleet", s_now, "4.0.0", [Healthy("a"), Healthy("b")], new WatchState(0, 0), s_settings, job));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Contains("48 more device(s)", verdict.PendingDevices.Single().Reason);
    }

    [Fact]
    public void A_stale_heartbeat_does_not_count()
    {
        var stale = Healthy("a") with { Heartbeat = new DeviceHeartbeat("a", s_now.AddMinutes(-10), 100, 0, "4.0.0") };

        var verdict = Evaluate(new WatchState(0, 0), stale);

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Equal("last health heartbeat is 600 s old (limit 300 s)", Assert.Single(verdict.PendingDevices).Reason);
    }

    [Fact]
    public void A_heartbeat_from_the_previous_model_does_not_count()
    {
        var old = Healthy("a") with { Heartbeat = new DeviceHeartbeat("a", s_now, 100, 90, "3.0.0") };

        var verdict = Evaluate(new WatchState(0, 0), old);

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Contains("not 4.0.0", verdict.PendingDevices.Single().Reason);
    }

    [Fact]
    public void Too_few_frames_do_not_count()
    {
        var verdict = Evaluate(new WatchState(0, 0), Healthy("a", frames: 9, failures: 9));

        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Equal("9 frame(s) processed, 10 needed", verdict.PendingDevices.Single().Reason);
    }

    [Fact]
    public void An_empty_group_never_passes()
    {
        var waiting = Evaluate(new WatchState(0, 0));
        var timedOut = Evaluate(new WatchState(59, 0));

        Assert.Equal(Verdict.Wait, waiting.Verdict);
        Assert.Equal(Verdict.Unhealthy, timedOut.Verdict);
    }

    [Fact]
    public void Every_watch_ends_even_when_health_flickers()
    {
        var verdict = Evaluate(new WatchState(62, 1), Healthy("a"));

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
    }

    [Fact]
    public void Reads_raw_step_functions_results_and_dynamodb_items()
    {
        var input = JsonNode.Parse("""
            {
              "phase": "canary", "now": "2026-11-22T03:00:00Z", "expectedModelComponentVersion": "4.0.0",
              "executions": {"ExecutionSummaries": [
                {"ThingArn": "arn:aws:iot:eu-west-1:1:thing/press-01", "JobExecutionSummary": {"Status": "SUCCEEDED", "ExecutionNumber": 1}}]},
              "coreDevices": {"CoreDevices": [{"CoreDeviceThingName": "press-01", "Status": "HEALTHY"}]},
              "heartbeats": [{"thingName": "press-01", "heartbeat": {"Item": {
                "thingName": {"S": "press-01"}, "receivedAt": {"N": "RECEIVED_AT"},
                "schemaVersion": {"N": "1"}, "messageType": {"S": "health"}, "state": {"S": "RUNNING"},
                "frames": {"M": {"processed": {"N": "196"}, "failed": {"N": "4"}, "published": {"N": "196"}}},
                "failures": {"M": {"corruptImage": {"N": "3"}, "inference": {"N": "1"}}},
                "model": {"M": {"componentVersion": {"S": "4.0.0"}, "packageVersion": {"S": "4"}, "loaded": {"BOOL": true}, "lastError": {"NULL": true}}}}}}],
              "watch": {"polls": 0, "healthyPolls": 0},
              "healthGate": {"pollIntervalSeconds": 60, "soakMinutes": 0, "maxErrorRate": 0.05, "minFramesPerDevice": 10, "maxDeploymentMinutes": 60, "heartbeatMaxAgeSeconds": 300}
            }
            """.Replace("RECEIVED_AT", s_now.AddSeconds(-20).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

        var parsed = HealthGateInput.FromJson(input);
        var verdict = HealthGate.Evaluate(parsed);

        var device = Assert.Single(parsed.Devices);
        Assert.Equal(200, device.Heartbeat!.Frames);
        Assert.Equal(4, device.Heartbeat.Failures);
        Assert.Equal(Verdict.Healthy, verdict.Verdict);
        Assert.Equal("HEALTHY", verdict.ToJson()["verdict"]!.GetValue<string>());
    }

    [Fact]
    public void A_component_reporting_errored_fails_the_gate_with_its_error()
    {
        var errored = Healthy("a") with { Heartbeat = new DeviceHeartbeat("a", s_now, 0, 0, "4.0.0", "ERRORED", "model.onnx: output [1, 84, 8400] expected") };

        var verdict = Evaluate(new WatchState(0, 0), errored);

        Assert.Equal(Verdict.Unhealthy, verdict.Verdict);
        Assert.Contains("ERRORED: model.onnx: output", verdict.FailedDevices.Single().Reason);
    }

    [Fact]
    public void A_device_that_never_reported_has_no_heartbeat()
    {
        Assert.Null(DeviceHeartbeat.FromItem("press-02", null));
        Assert.Equal("press-02", HealthGateInput.ThingNameFromArn("arn:aws:iot:eu-west-1:123456789012:thing/press-02"));
    }
}
