using System.Globalization;
using EdgeMlOps.Testing.Greengrass;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// The devices of the canary and fleet thing groups in <see cref="FakeEdgeControlPlane"/>, and how their deployment
/// job executions progress the way an IoT job with a rollout rate does: the job notifies at most
/// <c>maximumPerMinute</c> devices a minute (in group order here), so at poll <c>p</c> (one poll interval apart) a
/// device the job has not reached is QUEUED, a device it reached at this poll is IN_PROGRESS, and one reached
/// earlier has finished: SUCCEEDED, or FAILED for the devices listed in <see cref="Failing"/>.
/// </summary>
public sealed class SimulatedFleet
{
    private readonly Dictionary<string, int> _rolloutIndex = new(StringComparer.Ordinal);
    private readonly int _notifiedPerPoll;

    /// <summary>Fills the fake's two groups and sets its job execution status to the rollout.</summary>
    public SimulatedFleet(FakeEdgeControlPlane fake, string canaryGroupArn, string fleetGroupArn, EdgeScaleOptions options, int maximumPerMinute, int pollIntervalSeconds)
    {
        _notifiedPerPoll = Math.Max(1, maximumPerMinute * pollIntervalSeconds / 60);
        Canary = [.. Enumerable.Range(1, options.CanaryDevices).Select(i => string.Create(CultureInfo.InvariantCulture, $"canary-{i:D4}"))];
        Fleet = [.. Enumerable.Range(1, options.FleetDevices).Select(i => string.Create(CultureInfo.InvariantCulture, $"fleet-{i:D5}"))];
        foreach (var group in new[] { Canary, Fleet })
        {
            for (var i = 0; i < group.Count; i++)
            {
                _rolloutIndex[group[i]] = i;
            }
        }

        fake.Groups[canaryGroupArn] = [.. Canary];
        fake.Groups[fleetGroupArn] = [.. Fleet];
        fake.JobExecutionStatus = Status;
    }

    /// <summary>The canary group's devices.</summary>
    public IReadOnlyList<string> Canary { get; }

    /// <summary>The fleet group's devices.</summary>
    public IReadOnlyList<string> Fleet { get; }

    /// <summary>Devices whose job execution ends FAILED.</summary>
    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>Devices of a group spread evenly over its first <paramref name="within"/> rollout positions.</summary>
    public static IReadOnlyList<string> Spread(IReadOnlyList<string> group, int count, int within)
    {
        var span = Math.Min(within, group.Count);
        return [.. Enumerable.Range(0, count).Select(i => group[(int)((long)i * span / count) + (span / count / 2)])];
    }

    /// <summary>The execution status of a device at the given poll of its group's deployment (1-based).</summary>
    public string Status(string device, int poll)
    {
        var notifiedAt = (_rolloutIndex[device] / _notifiedPerPoll) + 1;
        return poll < notifiedAt ? "QUEUED"
            : poll == notifiedAt ? "IN_PROGRESS"
            : Failing.Contains(device) ? "FAILED"
            : "SUCCEEDED";
    }
}
