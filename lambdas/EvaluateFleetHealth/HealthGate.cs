using System.Globalization;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The health gate of one target group at one poll, from counts over every device (never a per-device list):
/// <list type="bullet">
/// <item><b>UNHEALTHY</b> at once when any job execution ended other than SUCCEEDED, the job was canceled (its abort
/// criteria), Greengrass reports a core device of the group UNHEALTHY, or a fresh heartbeat from the new model
/// reports the component ERRORED, an error rate above the limit (over at least the minimum frames), or — on a
/// device running a candidate in shadow — shadow results beyond <see cref="HealthGateSettings.Shadow"/>'s bounds;</item>
/// <item><b>healthy this poll</b> when every execution SUCCEEDED and at least as many fresh healthy heartbeats from the
/// expected model version arrived as devices succeeded;</item>
/// <item><b>pending</b> otherwise.</item>
/// </list>
/// The soak period's number of consecutive healthy polls makes the target HEALTHY. Pending beyond the allowed
/// deployment time (<see cref="HealthGateSettings.AllowedDeploymentMinutes"/>: the configured limit plus the rollout
/// time the job's size and rate need) is UNHEALTHY, and so is a watch longer than that plus the soak. Failed devices
/// are named, at most <see cref="MaxExamples"/> of them, with the total counts in the summary.
/// </summary>
public static class HealthGate
{
    /// <summary>Devices named in a verdict at most; the counts cover the rest.</summary>
    public const int MaxExamples = 10;

    /// <summary>Characters of a device's error text kept in a finding (the health rule stores at most 256).</summary>
    public const int MaxErrorLength = 256;

    public static HealthVerdict Evaluate(HealthGateInput input)
    {
        var settings = input.Settings;
        var job = input.Job;
        var polls = input.Watch.Polls + 1;
        var next = input.Now.AddSeconds(-settings.HeartbeatMaxAgeSeconds).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var failed = new List<DeviceFinding>();
        var problems = new List<string>();

        if (job.EndedBadly > 0)
        {
            failed.AddRange(input.FailedExecutionThings.Select(t => new DeviceFinding(t, "deployment job execution FAILED")));
            problems.Add($"{job.EndedBadly} job execution(s) ended badly (failed {job.Failed}, timed out {job.TimedOut}, rejected {job.Rejected}, canceled {job.Canceled}, removed {job.Removed})");
        }

        if (job.Status == "CANCELED")
        {
            problems.Add("the deployment's IoT job was canceled (its abort criteria were met)");
        }

        if (input.UnhealthyCoreDevices.Count > 0)
        {
            failed.AddRange(input.UnhealthyCoreDevices.Select(t => new DeviceFinding(t, "Greengrass reports the core device UNHEALTHY (a component is broken or errored)")));
            problems.Add($"{input.UnhealthyCoreDevices.Count}{(input.MoreUnhealthyCoreDevices ? " or more" : string.Empty)} core device(s) UNHEALTHY");
        }

        if (input.Heartbeats.Failing > 0)
        {
            failed.AddRange(input.Heartbeats.FailingExamples.Select(h => new DeviceFinding(h.ThingName, Reason(h, settings))));
            problems.Add($"{input.Heartbeats.Failing} device(s) report errors from model component {input.ExpectedModelComponentVersion}");
        }

        if (problems.Count > 0)
        {
            var named = failed.DistinctBy(f => f.ThingName).Take(MaxExamples).ToList();
            return new HealthVerdict(Verdict.Unhealthy, new WatchState(polls, 0, next), named,
                $"{input.Phase}: {string.Join("; ", problems)} (of {job.Total} device(s)). {Describe(named)}");
        }

        var minutes = (polls * settings.PollIntervalSeconds / 60.0).ToString("0.#", CultureInfo.InvariantCulture);
        var allowedMinutes = settings.AllowedDeploymentMinutes(job.Total, input.RolloutMaximumPerMinute);
        var maxProgressPolls = settings.MaxProgressPolls(job.Total, input.RolloutMaximumPerMinute);
        var unproven = Math.Max(0, job.Succeeded - input.Heartbeats.Healthy);
        var pending = new List<string>();
        if (job.Total == 0)
        {
            pending.Add("the deployment's job has no devices yet");
        }

        if (job.Pending > 0)
        {
            pending.Add($"{job.Pending} of {job.Total} device(s) still QUEUED or IN_PROGRESS");
        }

        if (unproven > 0)
        {
            pending.Add($"{unproven} of {job.Succeeded} deployed device(s) without a fresh healthy heartbeat from model component {input.ExpectedModelComponentVersion} (at least {settings.MinFramesPerDevice} frames)");
        }

        if (pending.Count == 0)
        {
            var healthyPolls = input.Watch.HealthyPolls + 1;
            if (healthyPolls >= settings.SoakPolls)
            {
                return new HealthVerdict(Verdict.Healthy, new WatchState(polls, healthyPolls, next), [],
                    $"{input.Phase}: all {job.Total} device(s) healthy for {healthyPolls} consecutive poll(s) (soak {settings.SoakMinutes} min)");
            }

            var soaking = new HealthVerdict(Verdict.Wait, new WatchState(polls, healthyPolls, next), [],
                $"{input.Phase}: all {job.Total} device(s) healthy, soaking ({healthyPolls} of {settings.SoakPolls} polls)");
            return polls >= maxProgressPolls + settings.SoakPolls
                ? soaking with
                {
                    Verdict = Verdict.Unhealthy,
                    Summary = $"{input.Phase}: the soak did not complete within {minutes} min ({allowedMinutes} min allowed for the deployment plus {settings.SoakMinutes} min soak)",
                }
                : soaking;
        }

        if (polls >= maxProgressPolls)
        {
            return new HealthVerdict(Verdict.Unhealthy, new WatchState(polls, 0, next), [],
                $"{input.Phase}: not healthy after {minutes} min (limit {allowedMinutes} min: {settings.MaxDeploymentMinutes} min plus {job.Total} device(s) at {input.RolloutMaximumPerMinute}/min): {string.Join("; ", pending)}");
        }

        return new HealthVerdict(Verdict.Wait, new WatchState(polls, 0, next), [],
            $"{input.Phase}: waiting: {string.Join("; ", pending)}");
    }

    private static string Reason(FailingHeartbeat heartbeat, HealthGateSettings settings)
    {
        if (heartbeat.State is ComponentStates.Errored or ComponentStates.ModelQualityFailed)
        {
            var error = heartbeat.LastError is { } text ? (text.Length > MaxErrorLength ? text[..MaxErrorLength] : text) : "no error message";
            return heartbeat.State == ComponentStates.Errored
                ? $"the inference component reports ERRORED: {error}"
                : $"the model failed its on-device acceptance check (MODEL_QUALITY_FAILED): {error}";
        }

        var reasons = new List<string>();
        if (heartbeat.FramesSeen >= settings.MinFramesPerDevice && heartbeat.ErrorRate > settings.MaxErrorRate)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"inference error rate {heartbeat.ErrorRate:0.###} ({heartbeat.FramesFailed} of {heartbeat.FramesSeen} frames) above {settings.MaxErrorRate:0.###}"));
        }

        if (heartbeat.Shadow is { } shadow && settings.Shadow.Violations(shadow) is { Count: > 0 } violations)
        {
            reasons.Add($"shadow evaluation failed: {string.Join("; ", violations)}");
        }

        // The table's filter and this check agree; a heartbeat the filter returned that matches neither (a setting
        // changed between the query and now) is still named by its counts.
        return reasons.Count > 0
            ? string.Join("; ", reasons)
            : string.Create(CultureInfo.InvariantCulture, $"inference error rate {heartbeat.ErrorRate:0.###} ({heartbeat.FramesFailed} of {heartbeat.FramesSeen} frames)");
    }

    private static string Describe(IEnumerable<DeviceFinding> findings) =>
        string.Join("; ", findings.Select(f => $"{f.ThingName}: {f.Reason}"));
}
