using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.Testing.DynamoDb;

/// <summary>
/// A DynamoDB table for the workflow's UpdateItem tasks, shared across executions: it applies the request's
/// <c>ADD attr :v</c> and <c>SET attr = :v</c> clauses (<c>#name</c> placeholders resolved) to the addressed item (numbers and strings, as DynamoDB
/// stores them) and returns <c>UPDATED_NEW</c> or <c>ALL_NEW</c> attributes the way Step Functions returns UpdateItem's result.
/// </summary>
public sealed partial class FakeRetrainCounter : ITaskHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _items = new(StringComparer.Ordinal);

    /// <summary>The table the last call named.</summary>
    public string? TableName { get; private set; }

    /// <summary>UpdateItem calls answered.</summary>
    public int Calls { get; private set; }

    /// <summary>The newLabels number of item <paramref name="key"/>, 0 if never written.</summary>
    public long NewLabels(string key = "new-labels")
    {
        lock (_lock)
        {
            return _items.TryGetValue(key, out var item) && item.TryGetValue("newLabels", out var value)
                ? long.Parse(value["N"]!.GetValue<string>(), CultureInfo.InvariantCulture)
                : 0;
        }
    }

    /// <summary>The string attribute <paramref name="attribute"/> of item <paramref name="key"/>, or null.</summary>
    public string? Text(string attribute, string key = "new-labels")
    {
        lock (_lock)
        {
            return _items.TryGetValue(key, out var item) && item.TryGetValue(attribute, out var value) ? value["S"]?.GetValue<string>() : null;
        }
    }

    /// <summary>Applies one UpdateItem request.</summary>
    public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var request = call.Parameters!;
        var key = request["Key"]!["counter"]!["S"]!.GetValue<string>();
        var values = request["ExpressionAttributeValues"]!.AsObject();
        var expression = request["UpdateExpression"]!.GetValue<string>();
        var updated = new JsonObject();
        lock (_lock)
        {
            Calls++;
            TableName = request["TableName"]!.GetValue<string>();
            if (!_items.TryGetValue(key, out var item))
            {
                item = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
                _items[key] = item;
            }

            foreach (Match add in AddClause().Matches(expression))
            {
                var attribute = add.Groups["attribute"].Value;
                var increment = long.Parse(values[add.Groups["value"].Value]!["N"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                var current = item.TryGetValue(attribute, out var old) ? long.Parse(old["N"]!.GetValue<string>(), CultureInfo.InvariantCulture) : 0;
                item[attribute] = new JsonObject { ["N"] = (current + increment).ToString(CultureInfo.InvariantCulture) };
                updated[attribute] = item[attribute].DeepClone();
            }

            foreach (Match set in SetClause().Matches(expression))
            {
                var attribute = set.Groups["attribute"].Value;
                if (attribute.StartsWith('#'))
                {
                    attribute = request["ExpressionAttributeNames"]?[attribute]?.GetValue<string>()
                        ?? throw new TaskFailure("DynamoDB.ValidationException", $"ExpressionAttributeNames has no {attribute}");
                }

                item[attribute] = values[set.Groups["value"].Value]!.DeepClone().AsObject();
                updated[attribute] = item[attribute].DeepClone();
            }
        }

        if (updated.Count == 0)
        {
            throw new TaskFailure("DynamoDB.ValidationException", $"the fake understands ADD and SET clauses only, got '{expression}'");
        }

        JsonNode? result;
        lock (_lock)
        {
            result = request["ReturnValues"]?.GetValue<string>() switch
            {
                "UPDATED_NEW" => new JsonObject { ["Attributes"] = updated },
                "ALL_NEW" => new JsonObject { ["Attributes"] = new JsonObject([.. _items[key].Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value.DeepClone()))]) },
                _ => new JsonObject(),
            };
        }

        return ValueTask.FromResult<JsonNode?>(result);
    }

    [GeneratedRegex(@"ADD (?<attribute>\w+) (?<value>:\w+)")]
    private static partial Regex AddClause();

    [GeneratedRegex(@"(?:SET |, )(?<attribute>#?\w+) = (?<value>:\w+)")]
    private static partial Regex SetClause();
}
