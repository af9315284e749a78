using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.ApiModels;

/// <summary>
/// Checks a task's Parameters against an operation's input shape: every key names a member (keys ending in
/// <c>.$</c> take a JsonPath value, so the suffix is dropped), every required member is given (as <c>X</c> or
/// <c>X.$</c>), and static nested objects and lists are checked against their member shapes in turn.
/// Step Functions spells every member in PascalCase, even where the model is camelCase (<c>targetArn</c> is
/// <c>TargetArn</c>), and spells a member named <c>Equals</c> as <c>EqualsValue</c>.
/// </summary>
public static class ParameterChecker
{
    public readonly record struct Problem(string Check, string Message);

    public static IReadOnlyList<Problem> Check(ModelShape input, JsonObject? parameters, string operation)
    {
        var problems = new List<Problem>();
        CheckStructure(input, parameters ?? [], operation, problems);
        return problems;
    }

    /// <summary>The name Step Functions uses for a model member.</summary>
    public static string TaskMemberName(string member)
    {
        var pascal = char.ToUpperInvariant(member[0]) + member[1..];
        return pascal == "Equals" ? "EqualsValue" : pascal;
    }

    private static void CheckStructure(ModelShape shape, JsonObject value, string path, List<Problem> problems)
    {
        var members = shape.Members.ToDictionary(m => TaskMemberName(m.Key), m => m.Value, StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, child) in value)
        {
            var isPath = key.EndsWith(".$", StringComparison.Ordinal);
            var name = isPath ? key[..^2] : key;
            given.Add(name);
            if (!members.TryGetValue(name, out var memberShape))
            {
                var nearest = NearestName.In(name, members.Keys);
                var hint = nearest is not null ? $" (did you mean {nearest}?)" : $" (members: {string.Join(", ", members.Keys.Order(StringComparer.Ordinal))})";
                problems.Add(new Problem("unknown-parameter", $"{path}.{name} is not a member{hint}"));
                continue;
            }

            if (!isPath)
            {
                CheckValue(memberShape, child, $"{path}.{name}", problems);
            }
        }

        foreach (var required in shape.Required.Select(TaskMemberName).Where(r => !given.Contains(r)))
        {
            problems.Add(new Problem("missing-required", $"{path}.{required} is required but not given (as {required} or {required}.$)"));
        }
    }

    private static void CheckValue(ModelShape shape, JsonNode? value, string path, List<Problem> problems)
    {
        switch (shape.Type, value)
        {
            // A ${Placeholder} is substituted inside a string, so it always arrives as a string.
            case ("integer" or "long" or "double" or "float" or "boolean", JsonValue text) when text.TryGetValue<string>(out var literal):
                var member = path[(path.LastIndexOf('.') + 1)..];
                problems.Add(new Problem("wrong-type",
                    $"{path} has type {shape.Type} but is given the string \"{literal}\"; pass it as \"{member}.$\": \"States.StringToJson('{literal}')\" or from the input"));
                break;
            case ("structure", JsonObject obj):
                CheckStructure(shape, obj, path, problems);
                break;
            case ("list", JsonArray array) when shape.Element is { } element:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckValue(element, array[i], $"{path}[{i}]", problems);
                }

                break;
            case ("map", JsonObject map) when shape.Value is { } valueShape:
                foreach (var (key, item) in map)
                {
                    // A key ending in .$ holds a JsonPath; its value is not a static shape.
                    if (!key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        CheckValue(valueShape, item, $"{path}.{key}", problems);
                    }
                }

                break;
        }
    }
}
