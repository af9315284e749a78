using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>Binary comparisons a condition step supports.</summary>
public enum ConditionType
{
    Equals,
    GreaterThan,
    GreaterThanOrEqualTo,
    LessThan,
    LessThanOrEqualTo,
}

/// <summary>One comparison of a condition step.</summary>
public sealed record PipelineCondition(ConditionType Type, JsonNode LeftValue, JsonNode RightValue)
{
    public JsonObject ToJson() => new()
    {
        ["Type"] = Type.ToString(),
        ["LeftValue"] = LeftValue.DeepClone(),
        ["RightValue"] = RightValue.DeepClone(),
    };
}

/// <summary>Runs <see cref="IfSteps"/> when every condition holds, otherwise <see cref="ElseSteps"/>.</summary>
public sealed class ConditionStep : PipelineStep
{
    public ConditionStep(string name, IReadOnlyList<PipelineCondition> conditions, IReadOnlyList<PipelineStep> ifSteps, IReadOnlyList<PipelineStep> elseSteps)
        : base(name, "Condition")
    {
        if (conditions.Count == 0)
        {
            throw new ArgumentException($"Condition step {name} needs at least one condition", nameof(conditions));
        }

        Conditions = conditions;
        IfSteps = ifSteps;
        ElseSteps = elseSteps;
    }

    public IReadOnlyList<PipelineCondition> Conditions { get; }

    public IReadOnlyList<PipelineStep> IfSteps { get; }

    public IReadOnlyList<PipelineStep> ElseSteps { get; }

    public override IReadOnlySet<string> OutputPaths { get; } = new HashSet<string>(StringComparer.Ordinal) { "Outcome" };

    public override IEnumerable<PipelineStep> NestedSteps => IfSteps.Concat(ElseSteps);

    protected override JsonObject BuildArguments() => new()
    {
        ["Conditions"] = new JsonArray(Conditions.Select(c => (JsonNode?)c.ToJson()).ToArray()),
        ["IfSteps"] = new JsonArray(IfSteps.Select(s => (JsonNode?)s.ToJson()).ToArray()),
        ["ElseSteps"] = new JsonArray(ElseSteps.Select(s => (JsonNode?)s.ToJson()).ToArray()),
    };
}
