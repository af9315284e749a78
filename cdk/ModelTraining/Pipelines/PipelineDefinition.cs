using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// Builds a SageMaker pipeline definition (schema version 2020-12-01): parameters, then steps in order.
/// <see cref="ToJson"/> checks the whole graph first: unique step names, and every <c>Get</c> pointing at a
/// declared parameter, an execution variable, or a declared output of an earlier step.
/// </summary>
public sealed class PipelineDefinition
{
    public const string SchemaVersion = "2020-12-01";

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        // Keep '<', '>' and '\'' readable in the written file (e.g. OutputParameters['DatasetUri']).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly List<PipelineParameter> _parameters = [];
    private readonly List<PipelineStep> _steps = [];

    public IReadOnlyList<PipelineParameter> Parameters => _parameters;

    public IReadOnlyList<PipelineStep> Steps => _steps;

    public PipelineParameter AddParameter(PipelineParameter parameter)
    {
        if (_parameters.Any(p => p.Name == parameter.Name))
        {
            throw new ArgumentException($"Pipeline parameter {parameter.Name} is declared twice");
        }

        _parameters.Add(parameter);
        return parameter;
    }

    public T AddStep<T>(T step)
        where T : PipelineStep
    {
        _steps.Add(step);
        return step;
    }

    /// <summary>The definition document; throws <see cref="InvalidOperationException"/> listing every broken reference.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["Version"] = SchemaVersion,
            ["Metadata"] = new JsonObject(),
            ["Parameters"] = new JsonArray(_parameters.Select(p => (JsonNode?)p.ToJson()).ToArray()),
            ["PipelineExperimentConfig"] = new JsonObject
            {
                ["ExperimentName"] = PipelineExpression.Get("Execution.PipelineName"),
                ["TrialName"] = PipelineExpression.ExecutionId,
            },
            ["Steps"] = new JsonArray(_steps.Select(s => (JsonNode?)s.ToJson()).ToArray()),
        };
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The pipeline definition is not valid:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, problems));
        }

        return json;
    }

    public string ToJsonString(bool indented = true) =>
        ToJson().ToJsonString(indented ? WriteOptions : new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Every problem of the graph, empty when the definition is consistent.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();

        // Each step with its position; nested steps take the position of the condition holding them.
        var positions = new Dictionary<string, (int Index, PipelineStep Step)>(StringComparer.Ordinal);
        for (var i = 0; i < _steps.Count; i++)
        {
            foreach (var step in Flatten(_steps[i]))
            {
                if (!positions.TryAdd(step.Name, (i, step)))
                {
                    problems.Add($"step name {step.Name} is used twice");
                }
            }
        }

        var parameterNames = _parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < _steps.Count; i++)
        {
            foreach (var step in Flatten(_steps[i]))
            {
                var own = step.ToJson();
                if (step is ConditionStep)
                {
                    // A condition's branches are checked as steps of their own.
                    own["Arguments"]!.AsObject().Remove("IfSteps");
                    own["Arguments"]!.AsObject().Remove("ElseSteps");
                }

                foreach (var reference in FindReferences(own))
                {
                    var problem = CheckReference(reference, step, i, parameterNames, positions);
                    if (problem is not null)
                    {
                        problems.Add(problem);
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>Every <c>Get</c> path anywhere in <paramref name="node"/>.</summary>
    public static IEnumerable<string> FindReferences(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.Count == 1 && obj["Get"] is JsonValue value && value.TryGetValue<string>(out var path))
                {
                    yield return path;
                    yield break;
                }

                foreach (var (_, child) in obj)
                {
                    foreach (var reference in FindReferences(child))
                    {
                        yield return reference;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var reference in FindReferences(child))
                    {
                        yield return reference;
                    }
                }

                break;
        }
    }

    private static string? CheckReference(
        string reference,
        PipelineStep from,
        int fromIndex,
        IReadOnlySet<string> parameterNames,
        IReadOnlyDictionary<string, (int Index, PipelineStep Step)> positions)
    {
        if (reference.StartsWith("Parameters.", StringComparison.Ordinal))
        {
            var name = reference["Parameters.".Length..];
            return parameterNames.Contains(name) ? null : $"step {from.Name} reads parameter {name}, which is not declared";
        }

        if (reference.StartsWith("Execution.", StringComparison.Ordinal))
        {
            return PipelineExpression.ExecutionVariables.Contains(reference) ? null : $"step {from.Name} reads unknown execution variable {reference}";
        }

        if (!reference.StartsWith("Steps.", StringComparison.Ordinal))
        {
            return $"step {from.Name} has a reference of unknown kind: {reference}";
        }

        var rest = reference["Steps.".Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var stepName = dot < 0 ? rest : rest[..dot];
        var path = dot < 0 ? string.Empty : rest[(dot + 1)..];
        if (!positions.TryGetValue(stepName, out var target))
        {
            return $"step {from.Name} reads {reference}, but there is no step {stepName}";
        }

        if (target.Step == from || target.Index >= fromIndex)
        {
            return $"step {from.Name} reads {reference}, but {stepName} does not run before it";
        }

        return target.Step.OutputPaths.Contains(path) ? null : $"step {from.Name} reads {reference}, but {stepName} has no output '{path}'";
    }

    private static IEnumerable<PipelineStep> Flatten(PipelineStep step) =>
        new[] { step }.Concat(step.NestedSteps.SelectMany(Flatten));
}
