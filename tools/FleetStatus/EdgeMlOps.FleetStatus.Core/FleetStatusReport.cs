using EdgeMlOps.Contracts;

namespace EdgeMlOps.FleetStatus;

/// <summary>One device in <c>fleet status</c>: what runs there and where it came from.</summary>
public sealed record FleetStatusRow
{
    public required string ThingName { get; init; }

    /// <summary>RUNNING, ERRORED, … as the device reported it, or SILENT when its last heartbeat is older than the bound.</summary>
    public required string State { get; init; }

    public required DateTimeOffset LastHeartbeat { get; init; }

    public required double HeartbeatAgeSeconds { get; init; }

    public string? ModelComponentVersion { get; init; }

    public long? ModelPackageVersion { get; init; }

    public string? ModelPackageArn { get; init; }

    public string? TrainingPipelineExecution { get; init; }

    public string? DatasetSnapshotId { get; init; }

    public string? ReleaseStatus { get; init; }

    public double? DriftScore { get; init; }

    public string? LastError { get; init; }
}

/// <summary>
/// Joins the release ledger with the devices' latest heartbeats: each device's model component version names its
/// release (the model package, its training execution and dataset snapshot). A device whose version is in no
/// release record keeps its reported versions and empty lineage.
/// </summary>
public static class FleetStatusReport
{
    public const string Silent = "SILENT";

    public static IReadOnlyList<FleetStatusRow> Build(IEnumerable<ReleaseRecord> releases, IEnumerable<HeartbeatRecord> heartbeats,
        DateTimeOffset now, TimeSpan silentAfter)
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(heartbeats);
        if (silentAfter <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(silentAfter), silentAfter, "silentAfter must be positive");
        }

        // A version released twice (a retried release) keeps its newest record.
        var byComponent = new Dictionary<string, ReleaseRecord>(StringComparer.Ordinal);
        var byPackage = new Dictionary<long, ReleaseRecord>();
        foreach (var release in releases.OrderBy(r => r.StartedAt ?? DateTimeOffset.MinValue))
        {
            byComponent[release.ModelComponentVersion] = release;
            byPackage[release.ModelPackageVersion] = release;
        }

        return heartbeats
            .GroupBy(h => h.ThingName, StringComparer.Ordinal)
            .Select(g => g.MaxBy(h => h.ReceivedAt)!)
            .OrderBy(h => h.ThingName, StringComparer.Ordinal)
            .Select(h =>
            {
                var release = Find(h, byComponent, byPackage);
                var age = now - h.ReceivedAt;
                return new FleetStatusRow
                {
                    ThingName = h.ThingName,
                    State = age > silentAfter ? Silent : h.State ?? "UNKNOWN",
                    LastHeartbeat = h.ReceivedAt,
                    HeartbeatAgeSeconds = Math.Round(Math.Max(0, age.TotalSeconds), 1),
                    ModelComponentVersion = h.ModelComponentVersion ?? release?.ModelComponentVersion,
                    ModelPackageVersion = release?.ModelPackageVersion ?? (long.TryParse(h.ModelPackageVersion, out var v) ? v : null),
                    ModelPackageArn = release?.ModelPackageArn,
                    TrainingPipelineExecution = release?.TrainingPipelineExecution,
                    DatasetSnapshotId = release?.DatasetSnapshotId,
                    ReleaseStatus = release?.Status,
                    DriftScore = h.DriftScore,
                    LastError = h.LastError,
                };
            })
            .ToList();
    }

    private static ReleaseRecord? Find(HeartbeatRecord h, Dictionary<string, ReleaseRecord> byComponent, Dictionary<long, ReleaseRecord> byPackage)
    {
        if (h.ModelComponentVersion is { } component && byComponent.TryGetValue(component, out var release))
        {
            return release;
        }

        return long.TryParse(h.ModelPackageVersion, out var version) && byPackage.TryGetValue(version, out release) ? release : null;
    }
}
