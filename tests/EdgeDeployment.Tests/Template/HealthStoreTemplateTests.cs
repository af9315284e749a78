using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.CDK;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Contracts;
using Xunit;

namespace EdgeDeployment.Tests.Template;

/// <summary>
/// The heartbeat rule and the health table's index as synthesized: the rule reads only fields of the health message
/// contract (the acceptance block included); the index keeps only what the counts read, and the acceptance evidence
/// is read from the table by key.
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
    public void Health_table_index_carries_only_what_the_counts_read_so_count_pages_stay_small()
    {
        var table = Assert.Single(EdgeStageFixture.Resources(stage.TemplateJson, "AWS::DynamoDB::Table"), t => t.Resource["Properties"]!["GlobalSecondaryIndexes"] is not null).Resource;

        var index = Assert.Single(table["Properties"]!["GlobalSecondaryIndexes"]!.AsArray())!;

        // Unchanged from the stacks before the acceptance evidence: CloudFormation cannot change a projection in place.
        Assert.Equal("byModelVersion", index["IndexName"]!.GetValue<string>());
        Assert.Equal("INCLUDE", index["Projection"]!["ProjectionType"]!.GetValue<string>());
        var projected = index["Projection"]!["NonKeyAttributes"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["state", "framesSeen", "framesFailed", "errorPpm", "lastError", .. DeviceHealthStore.ShadowAttributes], projected);
        Assert.DoesNotContain(projected, a => a.StartsWith("acceptance", StringComparison.Ordinal));
    }

    [Fact]
    public void Workflow_reads_the_acceptance_evidence_from_the_table_by_key_and_counts_from_the_index()
    {
        var roleId = stage.Stage.Workload.GetLogicalId((CfnElement)stage.Stage.Workflow.StateMachine.Role.Node.DefaultChild!);
        var tableId = stage.Stage.Workload.GetLogicalId((CfnElement)stage.Stage.Workload.Node.FindChild("DeviceHealth").Node.FindChild("Resource").Node.DefaultChild!);
        var statements = EdgeStageFixture.Resources(stage.TemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(roleId, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .OfType<JsonObject>()
            .ToList();

        var batch = Assert.Single(statements, s => EdgeStageFixture.List(s["Action"]).Any(a => a!.GetValue<string>() == "dynamodb:BatchGetItem"));
        var query = Assert.Single(statements, s => EdgeStageFixture.List(s["Action"]).Any(a => a!.GetValue<string>() == "dynamodb:Query"));

        Assert.Equal(["dynamodb:BatchGetItem"], EdgeStageFixture.List(batch["Action"]).Select(a => a!.GetValue<string>()));
        Assert.Equal($$"""{"Fn::GetAtt":["{{tableId}}","Arn"]}""", Assert.Single(EdgeStageFixture.List(batch["Resource"]))!.ToJsonString());
        Assert.EndsWith("/index/byModelVersion", EdgeStageFixture.Text(Assert.Single(EdgeStageFixture.List(query["Resource"]))), StringComparison.Ordinal);
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
