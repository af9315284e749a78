using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.Testing.DynamoDb;

/// <summary>
/// A DynamoDB table with a partition and a sort key, for fakes of workflows that write records (the edge release
/// ledger): PutItem, and UpdateItem with a <c>SET</c> expression of top-level or one-level map paths, both with a
/// condition. Values are checked as DynamoDB checks them (one type per attribute value, numbers that parse, map
/// and list members that are attribute values), and SET into a map that does not exist fails as DynamoDB's "document
/// path" validation does. Answers are shaped like Step Functions SDK-integration results.
/// </summary>
public sealed partial class InMemoryKeyValueTable
{
    private readonly object _lock = new();
    private readonly Dictionary<(string, string), JsonObject> _items = [];

    /// <summary>An empty table keyed by a string partition key and a number sort key.</summary>
    public InMemoryKeyValueTable(string tableName, string partitionKey, string sortKey)
    {
        TableName = tableName;
        PartitionKey = partitionKey;
        SortKey = sortKey;
    }

    /// <summary>The name calls must use.</summary>
    public string TableName { get; }

    /// <summary>The partition key attribute (a string).</summary>
    public string PartitionKey { get; }

    /// <summary>The sort key attribute (a number).</summary>
    public string SortKey { get; }

    /// <summary>Every item (copies), in key order.</summary>
    public IReadOnlyList<JsonObject> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items.OrderBy(i => i.Key.Item1, StringComparer.Ordinal).ThenBy(i => i.Key.Item2, StringComparer.Ordinal).Select(i => (JsonObject)i.Value.DeepClone())];
            }
        }
    }

    /// <summary>dynamodb:PutItem.</summary>
    public JsonObject PutItem(JsonObject p)
    {
        CheckTable(p);
        var item = p["Item"] as JsonObject ?? throw Validation("Item is required");
        foreach (var (_, value) in item)
        {
            CheckValue(value);
        }

        var key = KeyOf(item);
        lock (_lock)
        {
            CheckCondition(p, _items.GetValueOrDefault(key));
            _items[key] = (JsonObject)item.DeepClone();
        }

        return [];
    }

    /// <summary>dynamodb:UpdateItem with <c>SET path = :value, …</c> (path: a name or <c>#placeholder</c>, optionally <c>.member</c> of a map).</summary>
    public JsonObject UpdateItem(JsonObject p)
    {
        CheckTable(p);
        var keyItem = p["Key"] as JsonObject ?? throw Validation("Key is required");
        var key = KeyOf(keyItem);
        var names = p["ExpressionAttributeNames"] as JsonObject;
        var values = p["ExpressionAttributeValues"] as JsonObject;
        var expression = p["UpdateExpression"]?.GetValue<string>() ?? throw Validation("UpdateExpression is required");
        var match = SetExpression().Match(expression);
        if (!match.Success)
        {
            throw new InvalidOperationException($"The fake supports only SET of names and map members, not: {expression}");
        }

        lock (_lock)
        {
            var existing = _items.GetValueOrDefault(key);
            CheckCondition(p, existing);
            var item = existing is null ? (JsonObject)keyItem.DeepClone() : (JsonObject)existing.DeepClone();
            foreach (Capture assignment in match.Groups["assignment"].Captures)
            {
                var parts = assignment.Value.Split('=', 2, StringSplitOptions.TrimEntries);
                var path = parts[0].Split('.').Select(n => Name(n, names)).ToArray();
                var value = values?[parts[1]] as JsonObject ?? throw Validation($"Value {parts[1]} is not defined in ExpressionAttributeValues");
                CheckValue(value);
                if (path.Length == 1)
                {
                    item[path[0]] = value.DeepClone();
                }
                else if (item[path[0]] is JsonObject { Count: 1 } container && container["M"] is JsonObject map)
                {
                    map[path[1]] = value.DeepClone();
                }
                else
                {
                    throw Validation("The document path provided in the update expression is invalid for update");
                }
            }

            _items[key] = item;
        }

        return [];
    }

    private static string Name(string token, JsonObject? names) =>
        token.StartsWith('#') ? names?[token]?.GetValue<string>() ?? throw Validation($"Name {token} is not defined in ExpressionAttributeNames") : token;

    private void CheckCondition(JsonObject p, JsonObject? existing)
    {
        if (p["ConditionExpression"]?.GetValue<string>() is { } condition &&
            !DynamoDbExpression.Parse(condition).Matches(existing ?? [], p["ExpressionAttributeNames"] as JsonObject, p["ExpressionAttributeValues"] as JsonObject))
        {
            throw new TaskFailure("DynamoDb.ConditionalCheckFailedException", "The conditional request failed");
        }
    }

    private void CheckTable(JsonObject p)
    {
        if (p["TableName"]?.GetValue<string>() is var table && table != TableName)
        {
            throw new TaskFailure("DynamoDb.ResourceNotFoundException", $"Requested resource not found: table {table}");
        }
    }

    private (string, string) KeyOf(JsonObject item) =>
        item[PartitionKey] is JsonObject { Count: 1 } partition && partition["S"] is JsonValue pk &&
        item[SortKey] is JsonObject { Count: 1 } sort && sort["N"] is JsonValue sk
            ? (pk.GetValue<string>(), decimal.Parse(sk.GetValue<string>(), CultureInfo.InvariantCulture).ToString("0000000000", CultureInfo.InvariantCulture))
            : throw Validation($"The key needs {PartitionKey} (S) and {SortKey} (N)");

    private static void CheckValue(JsonNode? value)
    {
        if (value is not JsonObject { Count: 1 } typed)
        {
            throw Validation($"An attribute value must have exactly one type: {value?.ToJsonString()}");
        }

        var (type, content) = typed.First();
        switch (type)
        {
            case "S" when content is JsonValue s && s.TryGetValue<string>(out _):
            case "BOOL" when content is JsonValue b && b.TryGetValue<bool>(out _):
            case "NULL":
                return;
            case "N" when content is JsonValue n && n.TryGetValue<string>(out var number) && decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                return;
            case "M" when content is JsonObject members:
                foreach (var (_, member) in members)
                {
                    CheckValue(member);
                }

                return;
            case "L" when content is JsonArray elements:
                foreach (var element in elements)
                {
                    CheckValue(element);
                }

                return;
            default:
                throw Validation($"Invalid attribute value: {typed.ToJsonString()}");
        }
    }

    private static TaskFailure Validation(string message) => new("DynamoDb.ValidationException", message);

    [GeneratedRegex(@"^\s*SET\s+(?<assignment>[#\w]+(\.[#\w]+)?\s*=\s*:\w+)(\s*,\s*(?<assignment>[#\w]+(\.[#\w]+)?\s*=\s*:\w+))*\s*$")]
    private static partial Regex SetExpression();
}
