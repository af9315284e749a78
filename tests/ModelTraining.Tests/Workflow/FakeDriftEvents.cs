using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ModelTraining.Tests.Workflow;

/// <summary>
/// The drift events table for the workflow's Scan: one item per device as the edge app's drift rule writes it
/// (<see cref="DriftEventsSchema"/>), answered by <see cref="InMemoryDynamoDbTable.Scan"/> with DynamoDB's
/// semantics: the filter applied after the read, <c>Select COUNT</c>, and pages of at most 1 MB read with
/// <c>LastEvaluatedKey</c>, so a workflow that reads one page misses what lies beyond it. The table takes the
/// name of the first request (the workflow's substituted table name, checked by the tests).
/// </summary>
internal sealed class FakeDriftEvents : ITaskHandler
{
    public const string Scan = "arn:aws:states:::aws-sdk:dynamodb:scan";

    private readonly Lock _lock = new();
    private readonly List<JsonObject> _pending = [];
    private InMemoryDynamoDbTable? _table;

    public string? TableName => _table?.TableName;

    /// <summary>Scan requests answered (pages read).</summary>
    public int Pages { get; private set; }

    /// <summary>Writes the device's latest drift event, as the rule does (replacing its earlier one); without <paramref name="driftedSince"/> as an older component's event.</summary>
    public void Record(string thingName, DateTimeOffset at, DateTimeOffset? driftedSince = null, double score = 0.41)
    {
        var item = new JsonObject
        {
            [DriftEventsSchema.PartitionKey] = InMemoryDynamoDbTable.S(thingName),
            [DriftEventsSchema.DriftAt] = InMemoryDynamoDbTable.S(Iso(at)),
            [DriftEventsSchema.Score] = new JsonObject { ["N"] = score.ToString(CultureInfo.InvariantCulture) },
            [DriftEventsSchema.Threshold] = new JsonObject { ["N"] = "0.25" },
            [DriftEventsSchema.ModelComponentVersion] = InMemoryDynamoDbTable.S("1.0.3"),
            [DriftEventsSchema.ThingGroup] = InMemoryDynamoDbTable.S("edgemlops-dev-fleet"),
        };
        if (driftedSince is { } since)
        {
            item[DriftEventsSchema.DriftedSince] = InMemoryDynamoDbTable.S(Iso(since));
        }

        lock (_lock)
        {
            if (_table is null)
            {
                _pending.Add(item);
            }
            else
            {
                _table.Put(item);
            }
        }
    }

    public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var request = call.Parameters!.AsObject();
        lock (_lock)
        {
            if (_table is null)
            {
                _table = new InMemoryDynamoDbTable(request["TableName"]!.GetValue<string>(), DriftEventsSchema.PartitionKey);
                _pending.ForEach(_table.Put);
                _pending.Clear();
            }

            Pages++;
            return ValueTask.FromResult<JsonNode?>(_table.Scan(request));
        }
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
