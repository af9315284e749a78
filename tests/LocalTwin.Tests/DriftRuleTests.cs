using System.Text;
using EdgeMlOps.Cdk.EdgeDeployment.Observability;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.TestNucleus;
using EdgeMlOps.LocalTwin.Device;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>The edge stack's drift event rule, evaluated from its own SQL (WHERE and parse_time) as the twin applies it.</summary>
public sealed class DriftRuleTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123);

    private static PublishedMessage Health(string thing, string drift, int secondsLater = 0) =>
        new("com.edgemlops.Inference", $"edgemlops/{thing}/inference/health", "AT_LEAST_ONCE",
            Encoding.UTF8.GetBytes($$"""{"state":"RUNNING","thingGroup":"edgemlops-dev-fleet","model":{"componentVersion":"1.0.3"},"drift":{{drift}}}""")) { ReceivedAt = At.AddSeconds(secondsLater) };

    [Fact]
    public void Only_drifted_messages_are_written_with_the_named_fields_and_the_receive_time_as_iso_text()
    {
        var rule = HealthTopicRule.Parse(DriftEventRule.Sql("edgemlops/+/inference/health"), "drift-events");

        var items = rule.Items([
            Health("press-07", """{"score":0.61,"threshold":0.25,"drifted":true,"statistics":{"brightness":0.61},"captureBoostUntil":"2026-12-06T04:00:00Z","driftedSince":"2026-12-06T03:30:00Z"}"""),
            Health("press-08", """{"score":0.05,"threshold":0.25,"drifted":false,"statistics":{"brightness":0.05}}"""),
            Health("press-09", """{"score":0.3}"""),
        ]);

        var item = Assert.Single(items);
        Assert.Equal("press-07", item[DriftEventsSchema.PartitionKey]!["S"]!.GetValue<string>());
        Assert.Equal("2025-11-24T16:00:00.123Z", item[DriftEventsSchema.DriftAt]!["S"]!.GetValue<string>());
        Assert.Equal("0.61", item[DriftEventsSchema.Score]!["N"]!.GetValue<string>());
        Assert.Equal("2026-12-06T03:30:00Z", item[DriftEventsSchema.DriftedSince]!["S"]!.GetValue<string>());
        Assert.Equal("1.0.3", item[DriftEventsSchema.ModelComponentVersion]!["S"]!.GetValue<string>());
        Assert.Equal("edgemlops-dev-fleet", item[DriftEventsSchema.ThingGroup]!["S"]!.GetValue<string>());
        Assert.Null(item["state"]);
    }

    [Theory]
    [InlineData("SELECT topic(2) AS thingName FROM 'a/+/b' WHERE upper(x) = 1")]
    [InlineData("SELECT parse_time(\"yyyy-MM-dd\", timestamp()) AS t, topic(2) AS thingName FROM 'a/+/b'")]
    public void Conditions_and_time_patterns_outside_the_subset_are_refused(string sql) =>
        Assert.Throws<NotSupportedException>(() => HealthTopicRule.Parse(sql, "table"));
}
