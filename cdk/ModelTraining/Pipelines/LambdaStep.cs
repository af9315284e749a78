using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>Type of a Lambda step output parameter.</summary>
public enum LambdaOutputType
{
    String,
    Integer,
    Boolean,
    Float,
}

/// <summary>
/// A step that invokes a Lambda function with the arguments as its event; the function returns a
/// JSON object whose members named in <see cref="Outputs"/> become <c>OutputParameters['name']</c>.
/// </summary>
public sealed class LambdaStep : PipelineStep
{
    private readonly JsonObject _arguments;

    public LambdaStep(string name, string functionArn, JsonObject arguments, IReadOnlyDictionary<string, LambdaOutputType> outputs)
        : base(name, "Lambda")
    {
        if (outputs.Count == 0)
        {
            throw new ArgumentException($"Lambda step {name} needs at least one output parameter", nameof(outputs));
        }

        FunctionArn = functionArn;
        _arguments = arguments;
        Outputs = outputs;
        OutputPaths = outputs.Keys.Select(k => $"OutputParameters['{k}']").ToHashSet(StringComparer.Ordinal);
    }

    public string FunctionArn { get; }

    public IReadOnlyDictionary<string, LambdaOutputType> Outputs { get; }

    public override IReadOnlySet<string> OutputPaths { get; }

    public JsonNode Output(string name) => Property($"OutputParameters['{name}']");

    protected override JsonObject BuildArguments() => (JsonObject)_arguments.DeepClone();

    protected override void AddTypeSpecificMembers(JsonObject json)
    {
        json["FunctionArn"] = FunctionArn;
        json["OutputParameters"] = new JsonArray(Outputs
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => (JsonNode?)new JsonObject { ["OutputName"] = o.Key, ["OutputType"] = o.Value.ToString() })
            .ToArray());
    }
}
