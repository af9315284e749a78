using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Testing.Events;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>
/// An EventBridge rule and its first target's input transformer, taken from a synthesized template (intrinsics
/// already resolved): decides whether an event matches and what input the target (the state machine) receives.
/// </summary>
public sealed partial class EventRuleTarget
{
    private readonly JsonObject _pattern;
    private readonly IReadOnlyDictionary<string, string> _inputPaths;
    private readonly string _inputTemplate;

    public EventRuleTarget(JsonObject resolvedRuleProperties)
    {
        ArgumentNullException.ThrowIfNull(resolvedRuleProperties);
        _pattern = resolvedRuleProperties["EventPattern"] as JsonObject ?? throw new ArgumentException("The rule has no EventPattern.", nameof(resolvedRuleProperties));
        var transformer = resolvedRuleProperties["Targets"]?[0]?["InputTransformer"] as JsonObject
            ?? throw new ArgumentException("The rule's first target has no InputTransformer.", nameof(resolvedRuleProperties));
        _inputPaths = (transformer["InputPathsMap"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal);
        _inputTemplate = transformer["InputTemplate"]?.GetValue<string>() ?? throw new ArgumentException("The InputTransformer has no InputTemplate.", nameof(resolvedRuleProperties));
    }

    public bool Matches(JsonObject @event) => EventPatternMatcher.Matches(_pattern, @event);

    /// <summary>The target input: each <c>&lt;name&gt;</c> of the template replaced by the JSON value at its path.</summary>
    public JsonNode Transform(JsonObject @event)
    {
        var text = Placeholder().Replace(_inputTemplate, match =>
            _inputPaths.TryGetValue(match.Groups["name"].Value, out var path) ? (Select(@event, path)?.ToJsonString() ?? "null") : match.Value);
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"The transformed input is not JSON: {text}");
    }

    // InputPathsMap values are simple paths such as $.detail.ModelPackageArn.
    private static JsonNode? Select(JsonObject @event, string path)
    {
        JsonNode? node = @event;
        foreach (var segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }

        return node;
    }

    [GeneratedRegex("<(?<name>[A-Za-z0-9_.\\-]+)>")]
    private static partial Regex Placeholder();
}
