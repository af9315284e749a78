using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.CDK;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Contracts;
using Xunit;

namespace EdgeDeployment.Tests.Template;

/// <summary>
/// The heartbeat rule and the health table's index as synthesized: the rule reads only fields of the health message
/// contract (the acceptance block included), and the index the workflow queries projects every attribute.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed partial class HealthStoreTemplateTests(EdgeStageFixture stage)
{
    private static readonly HashSet<string> s_functions = ["topic", "timestamp", "floor", "substring"];

    private string HeartbeatRuleSql() =>
        Assert.Single(EdgeStageFixture.Resources(stage.TemplateJson, "AWS::IoT::TopicRule"), r =>
                r.Resource["Properties"]!["TopicRulePayload"]!["Actions"]![0]!["DynamoDBv2"] is not null
                && !r.Resource["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>().EndsWith("WHERE drift.drifted = true", StringComparison.Ordinal))
            .Resource["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>();

    [Fact]
    public void Heartbeat_rule_keeps_the_acceptance_block_as_named_bounded_attributes()
    {
        var sql = HeartbeatRuleSql();

        Assert.Contains("substring(acceptance.status, 0, 16) AS acceptanceStatus", sql, StringComparison.Ordinal);
        Assert.Contains("substring(acceptance.message, 0, 256) AS acceptanceMessage", sql, StringComparison.Ordinal);
        foreach (var (field, attribute) in new[]
                 {
                     ("images", "acceptanceImages"), ("precision", "acceptancePrecision"), ("recall", "acceptanceRecall"), ("map50", "acceptanceMap50"),
                     ("expectedMap50", "acceptanceExpectedMap50"), ("parity", "acceptanceParity"), ("parityThreshold", "acceptanceParityThreshold"),
                     ("maxConfidenceDifference", "acceptanceMaxConfidenceDifference"),
                 })
        {
            Assert.Contains($"acceptance.{field} AS {attribute}", sql, StringComparison.Ordinal);
        }

        Assert.Equal(DeviceHealthStore.AcceptanceAttributes.Order(StringComparer.Ordinal), Columns(sql).Select(c => c.Alias).Where(a => a.StartsWith("acceptance", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_field_the_heartbeat_rule_reads_is_in_the_health_message_contract()
    {
        // The contract type the component serialises (contracts/EdgeMlOps.Contracts), with every block present.
        var message = JsonNode.Parse(new HealthMessage
        {
            ThingName = "thing-1",
            State = ComponentStates.Running,
            Model = new HealthModel { ComponentVersion = "1.0.4", PackageVersion = "12", Loaded = true, LastError = "none" },
            Frames = new HealthFrames { Processed = 10, Failed = 1 },
            Acceptance = new HealthAcceptance { Status = AcceptanceStatuses.Passed, Message = "note", Images = 16, Parity = 1 },
            Shadow = new HealthShadow { FramesCompared = 20, LastError = "none" },
            Drift = new HealthDrift { Score = 0.3 },
        }.ToJsonBytes())!;

        var paths = Columns(HeartbeatRuleSql())
            .SelectMany(c => FieldPath().Matches(c.Expression).Select(m => m.Value))
            .Where(p => !s_functions.Contains(p))
            .Distinct()
            .ToList();

        Assert.Contains("acceptance.maxConfidenceDifference", paths);
        Assert.Contains("state", paths);
        Assert.All(paths, path => Assert.True(HoldsValue(message, path), $"the heartbeat rule reads '{path}', which the health message contract does not have"));
    }

    [Fact]
    public void Health_table_index_projects_every_attribute_and_is_the_only_index_by_default()
    {
        var table = Assert.Single(EdgeStageFixture.Resources(stage.TemplateJson, "AWS::DynamoDB::Table"), t => t.Resource["Properties"]!["GlobalSecondaryIndexes"] is not null).Resource;

        var index = Assert.Single(table["Properties"]!["GlobalSecondaryIndexes"]!.AsArray())!;

        Assert.Equal(DeviceHealthStore.ModelVersionIndex, index["IndexName"]!.GetValue<string>());
        Assert.Equal("ALL", index["Projection"]!["ProjectionType"]!.GetValue<string>());
        Assert.Null(index["Projection"]!["NonKeyAttributes"]);
    }

    [Fact]
    public void Keeping_the_legacy_index_adds_it_beside_the_new_one_for_the_first_upgrade_deployment()
    {
        var app = new App();
        var stack = new Stack(app, "Health");
        _ = new DeviceHealthStore(stack, "DeviceHealth", new DeviceHealthStoreProps { Topics = new ComponentTopics("edgemlops"), KeepLegacyIndex = true });
        var template = JsonNode.Parse(JsonSerializer.Serialize(Amazon.CDK.Assertions.Template.FromStack(stack).ToJSON()))!.AsObject();

        var table = Assert.Single(EdgeStageFixture.Resources(template, "AWS::DynamoDB::Table")).Resource;
        var indexes = table["Properties"]!["GlobalSecondaryIndexes"]!.AsArray();

        Assert.Equal([DeviceHealthStore.ModelVersionIndex, DeviceHealthStore.LegacyModelVersionIndex], indexes.Select(i => i!["IndexName"]!.GetValue<string>()));
        var legacy = indexes[1]!["Projection"]!;
        Assert.Equal("INCLUDE", legacy["ProjectionType"]!.GetValue<string>());
        // The legacy index is byte for byte what stacks before the ALL index have, so CloudFormation leaves it alone.
        Assert.Equal(["state", "framesSeen", "framesFailed", "errorPpm", "lastError", .. DeviceHealthStore.ShadowAttributes], legacy["NonKeyAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    /// <summary>The SELECT list as (expression, alias) pairs, split at top-level commas.</summary>
    private static IEnumerable<(string Expression, string Alias)> Columns(string sql)
    {
        var select = sql["SELECT ".Length..sql.LastIndexOf(" FROM '", StringComparison.Ordinal)];
        var depth = 0;
        var start = 0;
        var columns = new List<string>();
        for (var i = 0; i < select.Length; i++)
        {
            depth += select[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (select[i] == ',' && depth == 0)
            {
                columns.Add(select[start..i]);
                start = i + 1;
            }
        }

        columns.Add(select[start..]);
        return columns.Select(c =>
        {
            var alias = c.LastIndexOf(" AS ", StringComparison.Ordinal);
            return (c[..alias].Trim(), c[(alias + 4)..].Trim());
        });
    }

    private static bool HoldsValue(JsonNode message, string path)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate<string, JsonNode?>(message, (n, part) => n?[part]) as JsonObject;
        return parent is not null && parent.ContainsKey(parts[^1]);
    }

    // A field path: identifiers joined by dots, not a number (function names are removed afterwards).
    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*\b")]
    private static partial Regex FieldPath();
}
