using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>A training job step; the arguments is a CreateTrainingJob request without TrainingJobName.</summary>
public sealed class TrainingStep : PipelineStep
{
    private const string ModelArtifactsPath = "ModelArtifacts.S3ModelArtifacts";

    private readonly JsonObject _arguments;

    public TrainingStep(string name, JsonObject arguments)
        : base(name, "Training")
    {
        foreach (var required in new[] { "AlgorithmSpecification", "RoleArn", "OutputDataConfig", "ResourceConfig", "StoppingCondition" })
        {
            if (arguments[required] is null)
            {
                throw new ArgumentException($"Training step {name} needs Arguments.{required} (required by CreateTrainingJob)", nameof(arguments));
            }
        }

        _arguments = arguments;
    }

    public override IReadOnlySet<string> OutputPaths { get; } = new HashSet<string>(StringComparer.Ordinal) { ModelArtifactsPath, "TrainingJobName", "TrainingJobArn" };

    /// <summary>S3 URI of the job's model.tar.gz.</summary>
    public JsonNode ModelArtifactsUri => Property(ModelArtifactsPath);

    protected override JsonObject BuildArguments() => (JsonObject)_arguments.DeepClone();
}
