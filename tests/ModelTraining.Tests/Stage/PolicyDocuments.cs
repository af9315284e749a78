using System.Text.Json.Nodes;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

/// <summary>Reads IAM statements out of a template: the inline policies attached to one role.</summary>
internal static class PolicyDocuments
{
    public sealed record Statement(IReadOnlyList<string> Actions, IReadOnlyList<JsonNode?> Resources, JsonNode? Condition, string? Sid)
    {
        public bool HasWildcardResource => Resources.Any(r => r is JsonValue v && v.GetValue<string>() == "*");
    }

    public static IReadOnlyList<Statement> OfRole(TrainingStageFixture stage, string roleLogicalId) =>
        stage.Resources("AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => r!["Ref"]?.GetValue<string>() == roleLogicalId))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => new Statement(
                AsList(s!["Action"]).Select(a => a!.GetValue<string>()).ToList(),
                AsList(s["Resource"]).ToList(),
                s["Condition"],
                s["Sid"]?.GetValue<string>()))
            .ToList();

    public static string LogicalIdOf(TrainingStageFixture stage, string type, Func<JsonObject, bool> predicate) =>
        stage.Resources(type).Single(r => predicate(r.Resource)).LogicalId;

    /// <summary>A statement is least-privilege here when its only "*" resource is an action without resource-level permissions.</summary>
    public static IReadOnlyList<string> WildcardProblems(IEnumerable<Statement> statements, IReadOnlySet<string> actionsWithoutResources) =>
        statements
            .Where(s => s.HasWildcardResource && s.Actions.Any(a => !actionsWithoutResources.Contains(a)))
            .Select(s => $"{string.Join(",", s.Actions)} on *")
            .Concat(statements.SelectMany(s => s.Actions).Where(a => a.EndsWith(":*", StringComparison.Ordinal) || a == "*").Select(a => $"wildcard action {a}"))
            .ToList();

    private static IEnumerable<JsonNode?> AsList(JsonNode? node) => node switch
    {
        JsonArray array => array,
        null => Array.Empty<JsonNode?>(),
        _ => new[] { node },
    };
}
