using System.Text.Json.Nodes;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>The in-memory health table answers BatchGetItem as DynamoDB documents it (the approval evidence reads by key).</summary>
public sealed class HealthTableBatchGetTests
{
    private static JsonObject Request(IEnumerable<string> things, string? projection = null)
    {
        var entry = new JsonObject { ["Keys"] = new JsonArray([.. things.Select(t => (JsonNode)new JsonObject { ["thingName"] = InMemoryDynamoDbTable.S(t) })]) };
        if (projection is not null)
        {
            entry["ProjectionExpression"] = projection;
        }

        return new JsonObject { ["RequestItems"] = new JsonObject { ["health"] = entry } };
    }

    [Fact]
    public void Found_items_come_back_projected_and_missing_keys_are_left_out()
    {
        var table = HealthTableItems.HealthTable("health");
        table.Put(HealthTableItems.Heartbeat("press-01", 1, "RUNNING", "4.0.0", 10, 0));
        table.Put(HealthTableItems.Heartbeat("press-02", 1, "RUNNING", "4.0.0", 10, 0));

        var result = table.BatchGetItem(Request(["press-02", "press-09"], "thingName, state"));

        var item = Assert.Single(result["Responses"]!["health"]!.AsArray())!;
        Assert.Equal(["thingName", "state"], item.AsObject().Select(a => a.Key));
        Assert.Empty(result["UnprocessedKeys"]!.AsObject());
    }

    [Fact]
    public void More_than_100_keys_or_a_repeated_key_is_refused_as_dynamodb_does()
    {
        var table = HealthTableItems.HealthTable("health");

        var tooMany = Assert.Throws<TaskFailure>(() => table.BatchGetItem(Request(Enumerable.Range(0, 101).Select(i => $"press-{i}"))));
        var repeated = Assert.Throws<TaskFailure>(() => table.BatchGetItem(Request(["press-01", "press-01"])));

        Assert.Equal("DynamoDb.ValidationException", tooMany.Error);
        Assert.Equal("DynamoDb.ValidationException", repeated.Error);
    }
}
