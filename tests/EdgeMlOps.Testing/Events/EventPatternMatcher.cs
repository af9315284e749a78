using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.Events;

/// <summary>
/// The subset of EventBridge pattern matching the edge trigger uses: a pattern is an object whose leaves are
/// arrays of allowed values (strings, numbers, booleans, null; exact match, any of them), and nested objects match
/// nested event fields. A field the pattern names must be present in the event; an event array field matches
/// when any element is allowed. Of the content filters only numeric matching is understood
/// (<c>{"numeric": [">", 0, "&lt;=", 5]}</c>: a JSON number satisfying every comparison); the others (prefix,
/// anything-but, exists, ...) are refused, not guessed.
/// </summary>
public static class EventPatternMatcher
{
    /// <summary>True when <paramref name="event"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(JsonObject pattern, JsonObject @event)
    {
        foreach (var (field, expected) in pattern)
        {
            var actual = @event[field];
            switch (expected)
            {
                case JsonObject nested:
                    if (actual is not JsonObject actualObject || !Matches(nested, actualObject))
                    {
                        return false;
                    }

                    break;
                case JsonArray allowed:
                    if (!@event.ContainsKey(field) || !AnyAllowed(allowed, actual))
                    {
                        return false;
                    }

                    break;
                default:
                    throw new NotSupportedException($"Pattern field '{field}' must be an object or an array of values, got {expected?.ToJsonString()}");
            }
        }

        return true;
    }

    private static bool AnyAllowed(JsonArray allowed, JsonNode? actual)
    {
        if (allowed.Any(a => a is JsonObject filter && (filter.Count != 1 || !filter.ContainsKey("numeric"))))
        {
            throw new NotSupportedException($"Content filters other than numeric are not supported by this matcher: {allowed.ToJsonString()}");
        }

        var values = actual is JsonArray array ? array.ToList() : [actual];
        return values.Any(v => allowed.Any(a => a is JsonObject filter ? NumericMatches(filter["numeric"] as JsonArray, v) : JsonNode.DeepEquals(a, v)));
    }

    private static bool NumericMatches(JsonArray? comparisons, JsonNode? actual)
    {
        if (comparisons is null || comparisons.Count == 0 || comparisons.Count % 2 != 0)
        {
            throw new NotSupportedException($"A numeric filter is pairs of operator and number, got {comparisons?.ToJsonString()}");
        }

        if (actual is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return false;
        }

        var number = value.GetValue<double>();
        for (var i = 0; i < comparisons.Count; i += 2)
        {
            var bound = comparisons[i + 1]!.GetValue<double>();
            var holds = comparisons[i]!.GetValue<string>() switch
            {
                "<" => number < bound,
                "<=" => number <= bound,
                "=" => number == bound,
                ">" => number > bound,
                ">=" => number >= bound,
                var op => throw new NotSupportedException($"Numeric operator {op} is not one of < <= = > >="),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
