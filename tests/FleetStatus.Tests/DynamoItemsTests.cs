using Amazon.DynamoDBv2.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.FleetStatus;
using Xunit;

namespace FleetStatus.Tests;

public sealed class DynamoItemsTests
{
    private static AttributeValue S(string s) => new() { S = s };

    private static AttributeValue N(string n) => new() { N = n };

    private static AttributeValue M(Dictionary<string, AttributeValue> m) => new() { M = m };

    [Fact]
    public void Reads_a_heartbeat_stored_as_the_whole_health_message()
    {
        var beat = DynamoItems.Heartbeat(new Dictionary<string, AttributeValue>
        {
            ["thingName"] = S("canary-1"),
            ["receivedAt"] = N("1764763200000"),
            ["state"] = S("RUNNING"),
            ["model"] = M(new() { ["componentVersion"] = S("1.0.12"), ["packageVersion"] = S("12"), ["lastError"] = new AttributeValue { NULL = true } }),
            ["drift"] = M(new() { ["score"] = N("0.27") }),
        });

        Assert.Equal("canary-1", beat.ThingName);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764763200000), beat.ReceivedAt);
        Assert.Equal("1.0.12", beat.ModelComponentVersion);
        Assert.Equal("12", beat.ModelPackageVersion);
        Assert.Equal(0.27, beat.DriftScore);
        Assert.Null(beat.LastError);
    }

    [Fact]
    public void Reads_a_heartbeat_stored_as_flat_named_fields()
    {
        var beat = DynamoItems.Heartbeat(new Dictionary<string, AttributeValue>
        {
            ["thingName"] = S("fleet-1"),
            ["receivedAt"] = N("1764763200000"),
            ["state"] = S("ERRORED"),
            ["modelComponentVersion"] = S("1.0.11"),
            ["driftScore"] = N("0.05"),
            ["lastError"] = S("model load failed"),
        });

        Assert.Equal("1.0.11", beat.ModelComponentVersion);
        Assert.Null(beat.ModelPackageVersion);
        Assert.Equal(0.05, beat.DriftScore);
        Assert.Equal("model load failed", beat.LastError);
    }

    [Fact]
    public void Fails_with_the_thing_name_when_a_heartbeat_has_no_receivedAt()
    {
        var error = Assert.Throws<FormatException>(() => DynamoItems.Heartbeat(new Dictionary<string, AttributeValue> { ["thingName"] = S("d-7") }));

        Assert.Contains("d-7", error.Message);
    }

    [Fact]
    public void Reads_a_release_record_with_its_lineage_and_phases()
    {
        var release = DynamoItems.Release(new Dictionary<string, AttributeValue>
        {
            [ReleaseLedgerSchema.PartitionKey] = S("edgemlops-dev-models"),
            [ReleaseLedgerSchema.SortKey] = N("12"),
            [ReleaseLedgerSchema.ModelPackageArn] = S("arn:aws:sagemaker:eu-west-1:1:model-package/edgemlops-dev-models/12"),
            [ReleaseLedgerSchema.ModelComponentVersion] = S("1.0.12"),
            [ReleaseLedgerSchema.TrainingPipelineExecution] = S("exec-b"),
            [ReleaseLedgerSchema.DatasetSnapshotId] = S("snap-1"),
            [ReleaseLedgerSchema.LabelingJobs] = new AttributeValue { L = [S("job-1"), S("job-2")] },
            [ReleaseLedgerSchema.StartedAt] = S("2026-12-03T10:00:00Z"),
            [ReleaseLedgerSchema.Status] = S("released"),
            [ReleaseLedgerSchema.Phases] = M(new()
            {
                ["canary"] = M(new() { ["outcome"] = S("healthy"), ["at"] = S("2026-12-03T10:20:00Z"), ["deploymentId"] = S("dep-1") }),
            }),
        });

        Assert.Equal(12, release.ModelPackageVersion);
        Assert.Equal(["job-1", "job-2"], release.LabelingJobs);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero), release.StartedAt);
        var canary = release.Phases["canary"];
        Assert.Equal(new PhaseOutcome("healthy", new DateTimeOffset(2026, 12, 3, 10, 20, 0, TimeSpan.Zero), "dep-1"), canary);
    }

    [Fact]
    public void Fails_naming_the_missing_attribute_of_a_release_record()
    {
        var error = Assert.Throws<FormatException>(() => DynamoItems.Release(new Dictionary<string, AttributeValue>
        {
            [ReleaseLedgerSchema.PartitionKey] = S("g"),
            [ReleaseLedgerSchema.SortKey] = N("1"),
            [ReleaseLedgerSchema.ModelPackageArn] = S("arn"),
        }));

        Assert.Contains(ReleaseLedgerSchema.ModelComponentVersion, error.Message);
    }
}
