using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.Events;

/// <summary>
/// The subset of EventBridge pattern matching the edge trigger uses: a pattern is an object whose leaves are
/// arrays of allowed values (strings, numbers, booleans, null; exact match, any of them), and nested objects match
/// nested event fields. A field the pattern names must be present in the event; an event array field matches
/// when any element is allowed. Content filters (prefix, anything-but, numeric, exists) are refused, not guessed.
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
        if (allowed.Any(a => a is JsonObject))
        {
            throw new NotSupportedException($"Content filters are not supported by this matcher: {allowed.ToJsonString()}");
        }

        var values = actual is JsonArray array ? array.ToList() : [actual];
        return values.Any(v => allowed.Any(a => JsonNode.DeepEquals(a, v)));
    }
}
