using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ModelTraining.Tests.Workflow;

/// <summary>
/// The drift events table for the workflow's Scan: one item per device (as the edge app's drift rule writes it),
/// answering <c>Select COUNT</c> with the filter <c>driftAt &gt; :since</c> (ISO times compared as text, as
/// DynamoDB compares strings).
/// </summary>
internal sealed class FakeDriftEvents : ITaskHandler
{
    public const string Scan = "arn:aws:states:::aws-sdk:dynamodb:scan";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _driftAt = new(StringComparer.Ordinal);

    public string? TableName { get; private set; }

    public void Record(string thingName, DateTimeOffset at)
    {
        lock (_lock)
        {
            _driftAt[thingName] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var request = call.Parameters!;
        if (request["FilterExpression"]?.GetValue<string>() != $"{DriftEventsSchema.DriftAt} > :since" || request["Select"]?.GetValue<string>() != "COUNT")
        {
            throw new TaskFailure("DynamoDB.ValidationException", $"the fake answers only a COUNT of driftAt > :since, got {request.ToJsonString()}");
        }

        var since = request["ExpressionAttributeValues"]![":since"]!["S"]!.GetValue<string>();
        lock (_lock)
        {
            TableName = request["TableName"]!.GetValue<string>();
            var count = _driftAt.Values.Count(at => string.CompareOrdinal(at, since) > 0);
            return ValueTask.FromResult<JsonNode?>(new JsonObject { ["Count"] = count, ["ScannedCount"] = _driftAt.Count });
        }
    }
}
