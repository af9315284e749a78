using Amazon.CDK;
using Amazon.CDK.AWS.CodePipeline;
using Amazon.CDK.AWS.CodePipeline.Actions;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record WorkflowPipelineProps
{
    /// <summary>Validated settings (source repository, names). Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>App name used in the pipeline name, e.g. "labeling". Required.</summary>
    public required string AppName { get; init; }

    /// <summary>The workflow the pipeline runs. Required.</summary>
    public required IStateMachine StateMachine { get; init; }

    /// <summary>Input of each execution, as JSON. Default: <c>{"trigger": "workflow-pipeline"}</c>.</summary>
    public string InputJson { get; init; } = "{\"trigger\":\"workflow-pipeline\"}";

    /// <summary>
    /// EventBridge schedule expression that releases the pipeline, e.g. <c>rate(1 day)</c>.
    /// Default: none, the pipeline runs only on demand ("Release change").
    /// </summary>
    public string? Schedule { get; init; }
}

/// <summary>
/// The workflow pipeline of an app: a source stage that never triggers on a commit, then an action that
/// starts the app's state machine. It runs on demand and, when <see cref="WorkflowPipelineProps.Schedule"/>
/// is set, on that schedule.
/// </summary>
public sealed class WorkflowPipeline : Construct
{
    public WorkflowPipeline(Construct scope, string id, WorkflowPipelineProps props)
        : base(scope, id)
    {
        ArtifactBucket = new SecureBucket(this, "Artifacts", new SecureBucketProps
        {
            Purpose = $"{props.AppName} workflow pipeline artifacts",
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var sourceOutput = new Artifact_("Source");
        Pipeline = new Pipeline(this, "Resource", new PipelineProps
        {
            PipelineName = $"{props.Settings.ResourcePrefix}-{props.AppName}-workflow",
            ArtifactBucket = ArtifactBucket.Bucket,
            PipelineType = PipelineType.V2,
            Stages =
            [
                new Amazon.CDK.AWS.CodePipeline.StageProps
                {
                    StageName = "Source",
                    Actions = [PipelineSourceFactory.ForWorkflowPipeline(this, props.Settings.SourceRepository, sourceOutput)],
                },
                new Amazon.CDK.AWS.CodePipeline.StageProps
                {
                    StageName = "RunWorkflow",
                    Actions =
                    [
                        new StepFunctionInvokeAction(new StepFunctionsInvokeActionProps
                        {
                            ActionName = "StartWorkflow",
                            StateMachine = props.StateMachine,
                            StateMachineInput = StateMachineInput.Literal(Newtonsoft.Json.Linq.JObject.Parse(props.InputJson)),
                        }),
                    ],
                },
            ],
        });

        if (props.Schedule is not null)
        {
            ScheduleRule = new Rule(this, "Schedule", new RuleProps
            {
                Description = $"Runs the {props.AppName} workflow pipeline on schedule",
                Schedule = Amazon.CDK.AWS.Events.Schedule.Expression(props.Schedule),
                Targets = [new CodePipeline(Pipeline)],
            });
        }
    }

    public Pipeline Pipeline { get; }

    public SecureBucket ArtifactBucket { get; }

    /// <summary>The schedule rule, when a schedule was given.</summary>
    public Rule? ScheduleRule { get; }
}
