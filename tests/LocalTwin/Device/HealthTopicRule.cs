using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>
/// The edge stack's IoT topic rule that stores each device's latest health message in DynamoDB (DynamoDBv2
/// action: one attribute per selected column), evaluated locally from the rule's own SQL. Only the SQL subset the
/// rule uses is understood, with IoT SQL's documented semantics: <c>*</c>; columns <c>expression AS name</c> built
/// from JSON paths (<c>model.lastError</c>), whole numbers, <c>+ - * /</c> (whole numbers stay whole; a division by
/// zero, or arithmetic on a missing or non-numeric value, is Undefined), parentheses, <c>topic(n)</c>,
/// <c>timestamp()</c>, <c>floor(x)</c> and <c>substring(text, start[, end])</c> (zero-based, end exclusive,
/// positions past the end cut to the length, Undefined for a non-string),
/// <c>parse_time("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", ms)</c> (the one pattern the rules use: UTC with milliseconds);
/// an Undefined column is left out of the item; <c>FROM '&lt;topic filter&gt;'</c> and an optional
/// <c>WHERE &lt;path&gt; = true|false|&lt;whole number&gt;</c> (a message whose value is missing or differs is
/// dropped). Anything else is refused, never guessed.
/// </summary>
public sealed partial class HealthTopicRule
{
    private readonly List<(string Name, Expression Value)> _columns = [];
    private bool _includesAll;
    private (Expression Left, JsonNode Right)? _where;

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
        if (statement.Groups["where"].Success)
        {
            var condition = Condition().Match(statement.Groups["where"].Value.Trim());
            if (!condition.Success)
            {
                throw new NotSupportedException($"Topic rule SQL WHERE not understood (expected <path> = true|false|<whole number>): {sql}");
            }

            var right = condition.Groups["value"].Value;
            rule._where = (new Path(condition.Groups["path"].Value.Split('.')), right switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                _ => JsonValue.Create(long.Parse(right, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            });
        }

        foreach (var item in SplitColumns(statement.Groups["select"].Value))
        {
            if (item == "*")
            {
                rule._includesAll = true;
                continue;
            }

            var column = Column().Match(item);
            if (!column.Success)
            {
                throw new NotSupportedException($"Topic rule SQL column not understood: '{item}' in {sql}");
            }

            var name = column.Groups["name"].Value;
            Expression expression;
            try
            {
                expression = new ExpressionParser(column.Groups["expr"].Value).ParseAll();
            }
            catch (FormatException e)
            {
                throw new NotSupportedException($"Topic rule SQL expression not understood: '{column.Groups["expr"].Value}' in {sql} ({e.Message})", e);
            }

            if (expression is Topic)
            {
                rule.PartitionKey = name;
            }

            rule._columns.Add((name, expression));
        }

        if (rule.PartitionKey.Length == 0)
        {
            throw new NotSupportedException($"The health rule must select a topic(n) key column: {sql}");
        }

        return rule;
    }

    /// <summary>The item the rule writes for one message (typed attribute values), or null when the message is dropped.</summary>
    public JsonObject? Item(PublishedMessage message)
    {
        if (!Device.TopicFilter.Matches(TopicFilter, message.TopicName) || JsonNode.Parse(message.Payload) is not JsonObject payload)
        {
            return null; // another topic, or not a JSON object: the rule does not write
        }

        if (_where is var (left, right) && (left.Evaluate(payload, message) is not JsonValue actual || !JsonNode.DeepEquals(actual, right)))
        {
            return null; // the WHERE clause is not true for this message
        }

        var row = _includesAll ? (JsonObject)payload.DeepClone() : [];
        foreach (var (name, expression) in _columns)
        {
            if (expression.Evaluate(payload, message) is { } value)
            {
                row[name] = value;
            }
            else
            {
                row.Remove(name);
            }
        }

        return ToAttributeMap(row);
    }

    /// <summary>The table as the rule leaves it after <paramref name="messages"/>: the latest item per key, in arrival order.</summary>
    public IReadOnlyList<JsonObject> Items(IEnumerable<PublishedMessage> messages)
    {
        var latest = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var message in messages.OrderBy(m => m.ReceivedAt))
        {
            if (Item(message) is { } item && item[PartitionKey]?["S"]?.GetValue<string>() is { } key)
            {
                latest[key] = item;
            }
        }

        return [.. latest.Values];
    }

    /// <summary>
    /// The DynamoDB item the rule wrote last for <paramref name="keyValue"/> (GetItem's <c>Item</c>, typed
    /// attribute values), or null when no matching message arrived.
    /// </summary>
    public JsonObject? LatestItem(IEnumerable<PublishedMessage> messages, string keyValue) =>
        Items(messages).LastOrDefault(i => i[PartitionKey]?["S"]?.GetValue<string>() == keyValue);

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

    private static IEnumerable<string> SplitColumns(string select)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < select.Length; i++)
        {
            depth += select[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (select[i] == ',' && depth == 0)
            {
                yield return select[start..i].Trim();
                start = i + 1;
            }
        }

        yield return select[start..].Trim();
    }

    private abstract record Expression
    {
        /// <summary>The value, or null for Undefined.</summary>
        public abstract JsonNode? Evaluate(JsonObject payload, PublishedMessage message);
    }

    private sealed record Literal(long Value) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message) => JsonValue.Create(Value);
    }

    private sealed record Path(string[] Names) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message)
        {
            JsonNode? node = payload;
            foreach (var name in Names)
            {
                node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
                if (node is null)
                {
                    return null; // missing or JSON null: Undefined for a column
                }
            }

            return node.DeepClone();
        }
    }

    private sealed record Topic(int Level) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message) =>
            message.TopicName.Split('/').ElementAtOrDefault(Level - 1) is { } level ? JsonValue.Create(level) : null;
    }

    private sealed record Timestamp : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message) => JsonValue.Create(message.ReceivedAt.ToUnixTimeMilliseconds());
    }

    /// <summary>parse_time with the one pattern the rules use: epoch milliseconds as ISO 8601 UTC with milliseconds.</summary>
    private sealed record ParseTimeIso(Expression Milliseconds) : Expression
    {
        public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message) =>
            Number(Milliseconds.Evaluate(payload, message)) is { IsWhole: true } ms
                ? JsonValue.Create(DateTimeOffset.FromUnixTimeMilliseconds(ms.Whole).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                : null;
    }

    private sealed record Floor(Expression Inner) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message) =>
            Number(Inner.Evaluate(payload, message)) is { } n ? JsonValue.Create((long)Math.Floor(n.AsDouble)) : null;
    }

    private sealed record Substring(Expression Text, Expression Start, Expression? End) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message)
        {
            if (Text.Evaluate(payload, message) is not JsonValue v || !v.TryGetValue<string>(out var text)
                || Number(Start.Evaluate(payload, message)) is not { IsWhole: true } start)
            {
                return null;
            }

            var from = (int)Math.Clamp(start.Whole, 0, text.Length);
            var to = End is null ? text.Length : Number(End.Evaluate(payload, message)) is { IsWhole: true } end ? (int)Math.Clamp(end.Whole, from, text.Length) : -1;
            return to < 0 ? null : JsonValue.Create(text[from..to]);
        }
    }

    private sealed record Arithmetic(char Operator, Expression Left, Expression Right) : Expression
    {
        public override JsonNode? Evaluate(JsonObject payload, PublishedMessage message)
        {
            if (Number(Left.Evaluate(payload, message)) is not { } a || Number(Right.Evaluate(payload, message)) is not { } b)
            {
                return null;
            }

            if (a.IsWhole && b.IsWhole)
            {
                return Operator switch
                {
                    '+' => JsonValue.Create(a.Whole + b.Whole),
                    '-' => JsonValue.Create(a.Whole - b.Whole),
                    '*' => JsonValue.Create(a.Whole * b.Whole),
                    _ => b.Whole == 0 ? null : JsonValue.Create(a.Whole / b.Whole),
                };
            }

            return Operator switch
            {
                '+' => JsonValue.Create(a.AsDouble + b.AsDouble),
                '-' => JsonValue.Create(a.AsDouble - b.AsDouble),
                '*' => JsonValue.Create(a.AsDouble * b.AsDouble),
                _ => b.AsDouble == 0 ? null : JsonValue.Create(a.AsDouble / b.AsDouble),
            };
        }
    }

    private readonly record struct NumberValue(bool IsWhole, long Whole, double Fraction)
    {
        public double AsDouble => IsWhole ? Whole : Fraction;
    }

    private static NumberValue? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var whole) => new NumberValue(true, whole, 0),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var fraction) => new NumberValue(false, 0, fraction),
        _ => null,
    };

    private sealed partial class ExpressionParser(string text)
    {
        private readonly List<string> _tokens = [.. Token().Matches(text).Select(m => m.Value)];
        private int _at;

        public Expression ParseAll()
        {
            if (string.Concat(_tokens).Length != text.Replace(" ", string.Empty, StringComparison.Ordinal).Length)
            {
                throw new FormatException("unexpected characters");
            }

            var expression = Sum();
            return _at == _tokens.Count ? expression : throw new FormatException($"unexpected '{_tokens[_at]}'");
        }

        private Expression Sum()
        {
            var left = Product();
            while (Peek() is "+" or "-")
            {
                left = new Arithmetic(Next()[0], left, Product());
            }

            return left;
        }

        private Expression Product()
        {
            var left = Factor();
            while (Peek() is "*" or "/")
            {
                left = new Arithmetic(Next()[0], left, Factor());
            }

            return left;
        }

        private Expression Factor()
        {
            var token = Next();
            if (token == "(")
            {
                var inner = Sum();
                Expect(")");
                return inner;
            }

            if (long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return new Literal(number);
            }

            if (token == "parse_time" && Peek() == "(")
            {
                Next();
                var pattern = Next();
                if (pattern != $"\"{ParseTimeIso.Pattern}\"")
                {
                    throw new FormatException($"parse_time pattern {pattern} (only \"{ParseTimeIso.Pattern}\" is understood)");
                }

                Expect(",");
                var milliseconds = Sum();
                Expect(")");
                return new ParseTimeIso(milliseconds);
            }

            if (Peek() == "(")
            {
                Next();
                var arguments = new List<Expression>();
                if (Peek() != ")")
                {
                    arguments.Add(Sum());
                    while (Peek() == ",")
                    {
                        Next();
                        arguments.Add(Sum());
                    }
                }

                Expect(")");
                return (token, arguments.Count) switch
                {
                    ("topic", 1) when arguments[0] is Literal level => new Topic((int)level.Value),
                    ("timestamp", 0) => new Timestamp(),
                    ("floor", 1) => new Floor(arguments[0]),
                    ("substring", 2) => new Substring(arguments[0], arguments[1], null),
                    ("substring", 3) => new Substring(arguments[0], arguments[1], arguments[2]),
                    _ => throw new FormatException($"function {token} with {arguments.Count} argument(s)"),
                };
            }

            return char.IsLetter(token[0]) ? new Path(token.Split('.')) : throw new FormatException($"unexpected '{token}'");
        }

        private string? Peek() => _at < _tokens.Count ? _tokens[_at] : null;

        private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw new FormatException("unexpected end");

        private void Expect(string token)
        {
            if (Next() != token)
            {
                throw new FormatException($"expected '{token}'");
            }
        }

        [GeneratedRegex(@"""[^""]*""|[A-Za-z_][A-Za-z0-9_.]*|\d+|[()+\-*/,]")]
        private static partial Regex Token();
    }

    [GeneratedRegex(@"^SELECT\s+(?<select>.+?)\s+FROM\s+'(?<filter>[^']+)'(\s+WHERE\s+(?<where>.+?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Statement();

    [GeneratedRegex(@"^(?<path>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?<value>true|false|-?\d+)$")]
    private static partial Regex Condition();

    [GeneratedRegex(@"^(?<expr>.+?)\s+AS\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Column();
}
