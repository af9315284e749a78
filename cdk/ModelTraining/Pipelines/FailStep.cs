using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>Stops the execution as Failed with the error message as the step's failure reason.</summary>
public sealed class FailStep : PipelineStep
{
    private readonly JsonNode _errorMessage;

    public FailStep(string name, JsonNode errorMessage)
        : base(name, "Fail")
    {
        _errorMessage = errorMessage;
    }

    public override IReadOnlySet<string> OutputPaths { get; } = new HashSet<string>(StringComparer.Ordinal);

    protected override JsonObject BuildArguments() => new() { ["ErrorMessage"] = _errorMessage.DeepClone() };
}
