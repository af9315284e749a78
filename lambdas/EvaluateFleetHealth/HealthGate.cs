using System.Globalization;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// The health gate of one target group at one poll. A device is
/// <list type="bullet">
/// <item><b>failed</b> when its job execution ended other than SUCCEEDED, its core device is UNHEALTHY, or its
/// fresh heartbeat from the new model reports the component ERRORED or an error rate above the limit (over at least
/// the minimum frames);</item>
/// <item><b>healthy</b> when its execution SUCCEEDED, its core device is HEALTHY, and its heartbeat is fresh,
/// from the expected model component version, with at least the minimum frames and an error rate within the limit;</item>
/// <item><b>pending</b> otherwise (still deploying, no or stale heartbeat, old model, too few frames).</item>
/// </list>
/// Any failed device makes the target UNHEALTHY at once. Every device healthy for the soak period's number of
/// consecutive polls makes it HEALTHY. Pending devices reset the soak; pending beyond the deployment time limit
/// is UNHEALTHY, and so is a watch longer than time limit plus soak — every watch ends.
/// </summary>
public static class HealthGate
{
    private static readonly HashSet<string> s_endedBadly = new(StringComparer.Ordinal) { "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED" };

    public static HealthVerdict Evaluate(HealthGateInput input)
    {
        var settings = input.Settings;
        var polls = input.Watch.Polls + 1;
        var failed = new List<DeviceFinding>();
        var pending = new List<DeviceFinding>();
        var healthy = 0;
        foreach (var device in input.Devices)
        {
            switch (Classify(device, input, out var reason))
            {
                case DeviceState.Failed:
                    failed.Add(new DeviceFinding(device.ThingName, reason));
                    break;
                case DeviceState.Pending:
                    pending.Add(new DeviceFinding(device.ThingName, reason));
                    break;
                default:
                    healthy++;
                    break;
            }
        }

        // Devices beyond the first page of executions only show in the job's counts.
        if (input.Job is { } job)
        {
            var listedBad = input.Devices.Count(d => d.JobExecutionStatus is { } s && s_endedBadly.Contains(s));
            var listedPending = input.Devices.Count(d => d.JobExecutionStatus is "IN_PROGRESS" or "QUEUED");
            if (job.EndedBadly > listedBad)
            {
                failed.Add(new DeviceFinding("(not listed)", $"{job.EndedBadly - listedBad} more device(s) of the job ended FAILED, TIMED_OUT, REJECTED, CANCELED or REMOVED"));
            }
            else if (job.Pending > listedPending)
            {
                pending.Add(new DeviceFinding("(not listed)", $"{job.Pending - listedPending} more device(s) of the job still QUEUED or IN_PROGRESS"));
            }
        }

        var minutes = (polls * settings.PollIntervalSeconds / 60.0).ToString("0.#", CultureInfo.InvariantCulture);
        if (failed.Count > 0)
        {
            return new HealthVerdict(Verdict.Unhealthy, new WatchState(polls, 0), failed, pending,
                $"{input.Phase}: {failed.Count} of {input.Devices.Count} device(s) failed: {Describe(failed)}");
        }

        if (input.Devices.Count == 0)
        {
            pending.Add(new DeviceFinding("(none)", "the target group has no devices with the deployment yet"));
        }

        if (pending.Count == 0)
        {
            var healthyPolls = input.Watch.HealthyPolls + 1;
            if (healthyPolls >= settings.SoakPolls)
            {
                return new HealthVerdict(Verdict.Healthy, new WatchState(polls, healthyPolls), [], [],
                    $"{input.Phase}: all {healthy} device(s) healthy for {healthyPolls} consecutive poll(s) (soak {settings.SoakMinutes} min)");
            }

            return Bounded(new HealthVerdict(Verdict.Wait, new WatchState(polls, healthyPolls), [], [],
                $"{input.Phase}: all {healthy} device(s) healthy, soaking ({healthyPolls} of {settings.SoakPolls} polls)"), settings, minutes, input.Phase);
        }

        if (polls >= settings.MaxProgressPolls)
        {
            return new HealthVerdict(Verdict.Unhealthy, new WatchState(polls, 0), pending, [],
                $"{input.Phase}: {pending.Count} device(s) not healthy after {minutes} min (limit {settings.MaxDeploymentMinutes} min): {Describe(pending)}");
        }

        return new HealthVerdict(Verdict.Wait, new WatchState(polls, 0), [], pending,
            $"{input.Phase}: waiting for {pending.Count} device(s): {Describe(pending)}");
    }

    private static HealthVerdict Bounded(HealthVerdict verdict, HealthGateSettings settings, string minutes, string phase) =>
        verdict.Watch.Polls >= settings.MaxProgressPolls + settings.SoakPolls
            ? verdict with
            {
                Verdict = Verdict.Unhealthy,
                Summary = $"{phase}: the soak did not complete within {minutes} min ({settings.MaxDeploymentMinutes} min limit plus {settings.SoakMinutes} min soak)",
            }
            : verdict;

    private enum DeviceState
    {
        Healthy,
        Pending,
        Failed,
    }

    private static DeviceState Classify(DeviceObservation device, HealthGateInput input, out string reason)
    {
        var settings = input.Settings;
        if (device.JobExecutionStatus is { } status && s_endedBadly.Contains(status))
        {
            reason = $"deployment job execution {status}";
            return DeviceState.Failed;
        }

        if (device.CoreDeviceStatus == "UNHEALTHY")
        {
            reason = "Greengrass reports the core device UNHEALTHY (a component is broken or errored)";
            return DeviceState.Failed;
        }

        if (device.JobExecutionStatus != "SUCCEEDED")
        {
            reason = device.JobExecutionStatus is null ? "no deployment job execution yet" : $"deployment job execution {device.JobExecutionStatus}";
            return DeviceState.Pending;
        }

        var heartbeat = device.Heartbeat;
        if (heartbeat is null)
        {
            reason = "no health heartbeat received";
            return DeviceState.Pending;
        }

        if (heartbeat.Unreadable is { } unreadable)
        {
            reason = $"health heartbeat unreadable: {unreadable}";
            return DeviceState.Pending;
        }

        var age = input.Now - heartbeat.ReceivedAt;
        if (age > TimeSpan.FromSeconds(settings.HeartbeatMaxAgeSeconds))
        {
            reason = $"last health heartbeat is {(int)age.TotalSeconds} s old (limit {settings.HeartbeatMaxAgeSeconds} s)";
            return DeviceState.Pending;
        }

        if (heartbeat.ModelComponentVersion != input.ExpectedModelComponentVersion)
        {
            reason = $"heartbeat is from model component {heartbeat.ModelComponentVersion ?? "(unknown)"}, not {input.ExpectedModelComponentVersion}";
            return DeviceState.Pending;
        }

        if (heartbeat.State == ComponentStates.Errored)
        {
            reason = $"the inference component reports ERRORED: {heartbeat.LastError ?? "no error message"}";
            return DeviceState.Failed;
        }

        if (heartbeat.Frames < settings.MinFramesPerDevice)
        {
            reason = $"{heartbeat.Frames} frame(s) processed, {settings.MinFramesPerDevice} needed";
            return DeviceState.Pending;
        }

        if (heartbeat.ErrorRate > settings.MaxErrorRate)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"inference error rate {heartbeat.ErrorRate:0.###} ({heartbeat.Failures} of {heartbeat.Frames} frames) above {settings.MaxErrorRate:0.###}");
            return DeviceState.Failed;
        }

        if (device.CoreDeviceStatus != "HEALTHY")
        {
            reason = $"core device status {device.CoreDeviceStatus ?? "unknown"}";
            return DeviceState.Pending;
        }

        reason = "healthy";
        return DeviceState.Healthy;
    }

    private static string Describe(IEnumerable<DeviceFinding> findings) =>
        string.Join("; ", findings.Select(f => $"{f.ThingName}: {f.Reason}"));
}
