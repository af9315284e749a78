using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using SageMakerCfnPipeline = Amazon.CDK.AWS.Sagemaker.CfnPipeline;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record SageMakerPipelineProps
{
    /// <summary>Physical pipeline name. Required.</summary>
    public required string PipelineName { get; init; }

    /// <summary>The definition with the stack's resources (tokens). Required.</summary>
    public required PipelineDefinition Definition { get; init; }

    /// <summary>
    /// The same definition with readable placeholders instead of tokens, written next to the templates.
    /// Default: null, nothing is written.
    /// </summary>
    public PipelineDefinition? ReadableDefinition { get; init; }

    /// <summary>Role the pipeline runs as. Required.</summary>
    public required IRole Role { get; init; }

    /// <summary>Pipeline description. Required.</summary>
    public required string Description { get; init; }
}

/// <summary>
/// An AWS::SageMaker::Pipeline whose definition body is built by the C# pipeline builder. The readable copy goes to
/// <c>&lt;cloud assembly of the stage&gt;/&lt;PipelineName&gt;.pipeline-definition.json</c>
/// (e.g. <c>cdk.out/assembly-Training-dev/edgemlops-dev-training.pipeline-definition.json</c>).
/// </summary>
public sealed class SageMakerPipeline : Construct
{
    public const string DefinitionFileSuffix = ".pipeline-definition.json";

    public SageMakerPipeline(Construct scope, string id, SageMakerPipelineProps props)
        : base(scope, id)
    {
        // Serialising validates every reference first: a broken definition fails the synth, not the deploy.
        var body = props.Definition.ToJsonString(indented: false);
        Resource = new SageMakerCfnPipeline(this, "Resource", new Amazon.CDK.AWS.Sagemaker.CfnPipelineProps
        {
            PipelineName = props.PipelineName,
            PipelineDisplayName = props.PipelineName,
            PipelineDescription = props.Description,
            RoleArn = props.Role.RoleArn,
            // The property is untyped in this CDK version: CloudFormation's PascalCase member names are given as-is.
            PipelineDefinition = new Dictionary<string, object> { ["PipelineDefinitionBody"] = body },
        });
        PipelineName = props.PipelineName;

        if (props.ReadableDefinition is not null && Stage.Of(this) is { } stage)
        {
            Directory.CreateDirectory(stage.Outdir);
            DefinitionFile = Path.Combine(stage.Outdir, props.PipelineName + DefinitionFileSuffix);
            File.WriteAllText(DefinitionFile, props.ReadableDefinition.ToJsonString() + "\n");
        }
    }

    public SageMakerCfnPipeline Resource { get; }

    public string PipelineName { get; }

    /// <summary>Where the readable definition was written; null when none was asked for.</summary>
    public string? DefinitionFile { get; }

    public string PipelineArn => Stack.Of(this).FormatArn(new ArnComponents { Service = "sagemaker", Resource = "pipeline", ResourceName = PipelineName.ToLowerInvariant() });

    /// <summary>ARN pattern of this pipeline's executions.</summary>
    public string ExecutionsArn => $"{PipelineArn}/execution/*";
}
