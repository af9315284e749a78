using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>
/// The edge stack's IoT topic rule that stores each device's latest health message in DynamoDB (DynamoDBv2
/// action: one attribute per top-level field), evaluated locally from the rule's own SQL. Only the SQL the rule
/// uses is understood — <c>*</c>, <c>topic(n)</c>, <c>timestamp()</c>, <c>floor(timestamp() / 1000) + n</c>, each
/// <c>AS name</c>, <c>FROM '&lt;topic filter&gt;'</c> — anything else is refused, never guessed.
/// </summary>
public sealed partial class HealthTopicRule
{
    private readonly List<Func<PublishedMessage, (string Name, JsonNode Value)>> _columns = [];

    private HealthTopicRule(string tableName, string topicFilter)
    {
        TableName = tableName;
        TopicFilter = topicFilter;
    }

    public string TableName { get; }

    public string TopicFilter { get; }

    /// <summary>The attribute the rule's DynamoDB table is keyed by (the <c>topic(n) AS key</c> column).</summary>
    public string PartitionKey { get; private set; } = string.Empty;

    public static HealthTopicRule Parse(string sql, string tableName)
    {
        var statement = Statement().Match(sql.Trim());
        if (!statement.Success)
        {
            throw new NotSupportedException($"Topic rule SQL not understood (expected SELECT ... FROM '<topic filter>'): {sql}");
        }

        var rule = new HealthTopicRule(tableName, statement.Groups["filter"].Value);
        var includesAll = false;
        foreach (var item in statement.Groups["select"].Value.Split(',').Select(i => i.Trim()))
        {
            if (item == "*")
            {
                includesAll = true;
                continue;
            }

            var column = Column().Match(item);
            if (!column.Success)
            {
                throw new NotSupportedException($"Topic rule SQL column not understood: '{item}' in {sql}");
            }

            var name = column.Groups["name"].Value;
            var expression = column.Groups["expr"].Value.Replace(" ", string.Empty, StringComparison.Ordinal);
            if (TopicLevel().Match(expression) is { Success: true } level)
            {
                var index = int.Parse(level.Groups["n"].Value, CultureInfo.InvariantCulture);
                rule._columns.Add(m => (name, JsonValue.Create(m.TopicName.Split('/').ElementAtOrDefault(index - 1) ?? string.Empty)));
                rule.PartitionKey = name;
            }
            else if (expression == "timestamp()")
            {
                rule._columns.Add(m => (name, JsonValue.Create(m.ReceivedAt.ToUnixTimeMilliseconds())));
            }
            else if (ExpiryExpression().Match(expression) is { Success: true } expiry)
            {
                var offset = long.Parse(expiry.Groups["n"].Value, CultureInfo.InvariantCulture);
                rule._columns.Add(m => (name, JsonValue.Create(m.ReceivedAt.ToUnixTimeSeconds() + offset)));
            }
            else
            {
                throw new NotSupportedException($"Topic rule SQL expression not understood: '{expression}' in {sql}");
            }
        }

        if (!includesAll || rule.PartitionKey.Length == 0)
        {
            throw new NotSupportedException($"The health rule must select * and a topic(n) key column: {sql}");
        }

        return rule;
    }

    /// <summary>
    /// The DynamoDB item the rule wrote last for <paramref name="keyValue"/> (GetItem's <c>Item</c>, typed
    /// attribute values), or null when no matching message arrived.
    /// </summary>
    public JsonObject? LatestItem(IEnumerable<PublishedMessage> messages, string keyValue)
    {
        JsonObject? latest = null;
        foreach (var message in messages.Where(m => Device.TopicFilter.Matches(TopicFilter, m.TopicName)).OrderBy(m => m.ReceivedAt))
        {
            if (JsonNode.Parse(message.Payload) is not JsonObject row)
            {
                continue; // a rule drops a message that is not a JSON object
            }

            foreach (var column in _columns)
            {
                var (name, value) = column(message);
                row[name] = value;
            }

            if (row[PartitionKey]?.GetValue<string>() == keyValue)
            {
                latest = row;
            }
        }

        return latest is null ? null : ToAttributeMap(latest);
    }

    /// <summary>JSON to DynamoDB attribute values, as the DynamoDBv2 rule action stores them.</summary>
    public static JsonObject ToAttributeMap(JsonObject row)
    {
        var item = new JsonObject();
        foreach (var (key, value) in row)
        {
            item[key] = ToAttribute(value);
        }

        return item;
    }

    private static JsonObject ToAttribute(JsonNode? value) => value switch
    {
        null => new JsonObject { ["NULL"] = true },
        JsonObject obj => new JsonObject { ["M"] = ToAttributeMap(obj) },
        JsonArray array => new JsonObject { ["L"] = new JsonArray([.. array.Select(v => (JsonNode)ToAttribute(v))]) },
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonObject { ["S"] = v.GetValue<string>() },
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => new JsonObject { ["BOOL"] = v.GetValue<bool>() },
        JsonValue v => new JsonObject { ["N"] = v.ToJsonString() },
        _ => throw new NotSupportedException($"Unexpected JSON node {value.GetType().Name}"),
    };

    [GeneratedRegex(@"^SELECT\s+(?<select>.+?)\s+FROM\s+'(?<filter>[^']+)'\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Statement();

    [GeneratedRegex(@"^(?<expr>.+?)\s+AS\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex Column();

    [GeneratedRegex(@"^topic\((?<n>\d+)\)$")]
    private static partial Regex TopicLevel();

    [GeneratedRegex(@"^floor\(timestamp\(\)/1000\)\+(?<n>\d+)$")]
    private static partial Regex ExpiryExpression();
}
