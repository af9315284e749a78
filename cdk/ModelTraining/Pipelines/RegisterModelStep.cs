using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>Registers a model package; the arguments is a CreateModelPackage request.</summary>
public sealed class RegisterModelStep : PipelineStep
{
    private readonly JsonObject _arguments;

    public RegisterModelStep(string name, JsonObject arguments)
        : base(name, "RegisterModel")
    {
        if (arguments["ModelPackageGroupName"] is null || arguments["InferenceSpecification"] is null)
        {
            throw new ArgumentException($"RegisterModel step {name} needs Arguments.ModelPackageGroupName and Arguments.InferenceSpecification", nameof(arguments));
        }

        _arguments = arguments;
    }

    public override IReadOnlySet<string> OutputPaths { get; } = new HashSet<string>(StringComparer.Ordinal) { "ModelPackageArn" };

    protected override JsonObject BuildArguments() => (JsonObject)_arguments.DeepClone();
}
