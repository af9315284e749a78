using System.Text.Json;
using EdgeMlOps.Contracts;
using EdgeMlOps.FleetStatus;
using Xunit;

namespace FleetStatus.Tests;

public sealed class FleetStatusReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static ReleaseRecord Release(long version, string component, string training, string snapshot, int startedMinutesAgo) => new()
    {
        ModelPackageGroupName = "edgemlops-dev-models",
        ModelPackageVersion = version,
        ModelPackageArn = $"arn:aws:sagemaker:eu-west-1:111122223333:model-package/edgemlops-dev-models/{version}",
        ModelComponentVersion = component,
        TrainingPipelineExecution = $"arn:aws:sagemaker:eu-west-1:111122223333:pipeline/edgemlops-dev-training/execution/{training}",
        DatasetSnapshotId = snapshot,
        StartedAt = Now.AddMinutes(-startedMinutesAgo),
        Status = "released",
    };

    private static HeartbeatRecord Beat(string thing, string? component, int secondsAgo, string state = "RUNNING", double? drift = null) => new()
    {
        ThingName = thing,
        ReceivedAt = Now.AddSeconds(-secondsAgo),
        State = state,
        ModelComponentVersion = component,
        DriftScore = drift,
    };

    [Fact]
    public void Joins_each_device_to_the_release_of_its_model_component_version()
    {
        var rows = FleetStatusReport.Build(
            [Release(11, "1.0.11", "exec-a", "snap-2026-11-30", 600), Release(12, "1.0.12", "exec-b", "snap-2026-12-02", 60)],
            [Beat("fleet-1", "1.0.11", 20), Beat("canary-1", "1.0.12", 10, drift: 0.31)],
            Now, TimeSpan.FromMinutes(5));

        Assert.Equal(["canary-1", "fleet-1"], rows.Select(r => r.ThingName));
        var canary = rows[0];
        Assert.Equal(12, canary.ModelPackageVersion);
        Assert.Equal("arn:aws:sagemaker:eu-west-1:111122223333:model-package/edgemlops-dev-models/12", canary.ModelPackageArn);
        Assert.EndsWith("/execution/exec-b", canary.TrainingPipelineExecution);
        Assert.Equal("snap-2026-12-02", canary.DatasetSnapshotId);
        Assert.Equal(0.31, canary.DriftScore);
        Assert.Equal("RUNNING", canary.State);
        Assert.Equal(11, rows[1].ModelPackageVersion);
        Assert.Equal("snap-2026-11-30", rows[1].DatasetSnapshotId);
    }

    [Fact]
    public void A_device_silent_longer_than_the_bound_is_SILENT_whatever_it_last_reported()
    {
        var rows = FleetStatusReport.Build([], [Beat("a", "1.0.1", 301, state: "RUNNING"), Beat("b", "1.0.1", 299, state: "ERRORED")], Now, TimeSpan.FromSeconds(300));

        Assert.Equal(FleetStatusReport.Silent, rows[0].State);
        Assert.Equal(301, rows[0].HeartbeatAgeSeconds);
        Assert.Equal("ERRORED", rows[1].State);
    }

    [Fact]
    public void A_version_in_no_release_keeps_what_the_device_reported_and_has_no_lineage()
    {
        var rows = FleetStatusReport.Build([Release(12, "1.0.12", "exec-b", "snap", 60)],
            [new HeartbeatRecord { ThingName = "old", ReceivedAt = Now, ModelComponentVersion = "0.9.0", ModelPackageVersion = "3" }], Now, TimeSpan.FromMinutes(5));

        var row = Assert.Single(rows);
        Assert.Equal("0.9.0", row.ModelComponentVersion);
        Assert.Equal(3, row.ModelPackageVersion);
        Assert.Null(row.ModelPackageArn);
        Assert.Null(row.TrainingPipelineExecution);
        Assert.Equal("UNKNOWN", FleetStatusReport.Build([], [new HeartbeatRecord { ThingName = "x", ReceivedAt = Now }], Now, TimeSpan.FromMinutes(1))[0].State);
    }

    [Fact]
    public void A_retried_release_of_the_same_component_version_uses_the_newest_record()
    {
        var first = Release(12, "1.0.12", "exec-old", "snap-old", 120) with { Status = "failed" };
        var retry = Release(12, "1.0.12", "exec-new", "snap-new", 10);

        var row = Assert.Single(FleetStatusReport.Build([retry, first], [Beat("d", "1.0.12", 1)], Now, TimeSpan.FromMinutes(5)));

        Assert.Equal("snap-new", row.DatasetSnapshotId);
        Assert.Equal("released", row.ReleaseStatus);
    }

    [Fact]
    public void Fails_if_the_silence_bound_is_not_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FleetStatusReport.Build([], [], Now, TimeSpan.Zero));

    [Fact]
    public void Table_prints_one_aligned_line_per_device_and_a_summary_by_model_version()
    {
        var rows = FleetStatusReport.Build([Release(12, "1.0.12", "exec-b", "snap-1", 60)],
            [Beat("canary-1", "1.0.12", 10, drift: 0.0312), Beat("fleet-12345", "1.0.12", 4000)], Now, TimeSpan.FromMinutes(5));

        var lines = FleetStatusFormatter.Table(rows).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.StartsWith("DEVICE       STATE    MODEL   PACKAGE  TRAINING EXECUTION", lines[0]);
        Assert.Equal(lines[0].IndexOf("STATE", StringComparison.Ordinal), lines[2].IndexOf("SILENT", StringComparison.Ordinal));
        Assert.Contains("exec-b", lines[1]);
        Assert.Contains("2026-12-03T11:59:50Z (10s ago)", lines[1]);
        Assert.Contains("0.031", lines[1]);
        Assert.Contains("(67m ago)", lines[2]);
        Assert.Equal("2 device(s); 1 silent; 1.0.12: 2", lines[3]);
    }

    [Fact]
    public void Json_holds_every_field_of_every_device_for_scripts()
    {
        var rows = FleetStatusReport.Build([Release(12, "1.0.12", "exec-b", "snap-1", 60)], [Beat("canary-1", "1.0.12", 10)], Now, TimeSpan.FromMinutes(5));

        using var json = JsonDocument.Parse(FleetStatusFormatter.Json(rows));
        var device = Assert.Single(json.RootElement.GetProperty("devices").EnumerateArray().ToList());

        Assert.Equal("canary-1", device.GetProperty("thingName").GetString());
        Assert.Equal(12, device.GetProperty("modelPackageVersion").GetInt64());
        Assert.Equal("snap-1", device.GetProperty("datasetSnapshotId").GetString());
        Assert.Equal(JsonValueKind.Null, device.GetProperty("driftScore").ValueKind);
        Assert.Equal("RUNNING", device.GetProperty("state").GetString());
    }
}
