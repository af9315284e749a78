using Amazon.CDK;
using Amazon.CDK.AWS.CodeBuild;
using Amazon.CDK.AWS.CodePipeline;
using Amazon.CDK.AWS.CodePipeline.Actions;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
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
/// The workflow pipeline of an app: a source stage that never triggers on a commit, a check that stops the
/// execution CodePipeline starts by itself when the pipeline is created, then an action that starts the app's
/// state machine. It runs on demand and, when <see cref="WorkflowPipelineProps.Schedule"/> is set, on that schedule.
/// </summary>
public sealed class WorkflowPipeline : Construct
{
    /// <summary>Trigger type of the execution CodePipeline starts when a pipeline is created (API ExecutionTrigger).</summary>
    public const string CreationTriggerType = "CreatePipeline";

    /// <summary>
    /// Commands of the CheckTrigger build. CodePipeline starts every new pipeline once (trigger type
    /// <c>CreatePipeline</c>), so deploying the stack would otherwise start paid labeling, GPU training or a fleet
    /// rollout. The build asks CodePipeline what started this execution and fails it when that was the pipeline's
    /// creation, so the RunWorkflow stage is never reached. Any error (e.g. the API call failing) also fails the
    /// build: when in doubt, the workflow is not started.
    /// </summary>
    public static readonly IReadOnlyList<string> CheckTriggerCommands =
    [
        "TRIGGER=$(aws codepipeline get-pipeline-execution --pipeline-name \"$PIPELINE_NAME\" --pipeline-execution-id \"$PIPELINE_EXECUTION_ID\" --query pipelineExecution.trigger.triggerType --output text)",
        "echo \"Pipeline execution $PIPELINE_EXECUTION_ID of $PIPELINE_NAME was started by $TRIGGER\"",
        $"if [ \"$TRIGGER\" = \"{CreationTriggerType}\" ]; then echo \"Started by the creation of the pipeline, not by a schedule, an event or a person: the workflow is not started.\"; exit 1; fi",
    ];

    public WorkflowPipeline(Construct scope, string id, WorkflowPipelineProps props)
        : base(scope, id)
    {
        var pipelineName = $"{props.Settings.ResourcePrefix}-{props.AppName}-workflow";
        ArtifactBucket = new SecureBucket(this, "Artifacts", new SecureBucketProps
        {
            Purpose = $"{props.AppName} workflow pipeline artifacts",
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var sourceOutput = new Artifact_("Source");
        CheckTriggerProject = CreateCheckTriggerProject(pipelineName);
        Pipeline = new Pipeline(this, "Resource", new PipelineProps
        {
            PipelineName = pipelineName,
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
                    StageName = "CheckTrigger",
                    Actions =
                    [
                        new CodeBuildAction(new CodeBuildActionProps
                        {
                            ActionName = "SkipCreationRun",
                            Project = CheckTriggerProject,
                            Input = sourceOutput,
                            EnvironmentVariables = new Dictionary<string, IBuildEnvironmentVariable>
                            {
                                // Resolved by CodePipeline when the action runs.
                                ["PIPELINE_EXECUTION_ID"] = new BuildEnvironmentVariable { Value = "#{codepipeline.PipelineExecutionId}" },
                            },
                        }),
                    ],
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

    /// <summary>The build that stops the execution started by the pipeline's creation (see <see cref="CheckTriggerCommands"/>).</summary>
    public PipelineProject CheckTriggerProject { get; }

    public SecureBucket ArtifactBucket { get; }

    /// <summary>The schedule rule, when a schedule was given.</summary>
    public Rule? ScheduleRule { get; }

    private PipelineProject CreateCheckTriggerProject(string pipelineName)
    {
        var logs = new BuildLogs(this, "CheckTriggerLogs");
        var project = new PipelineProject(this, "CheckTrigger", new PipelineProjectProps
        {
            Description = $"Stops the execution of {pipelineName} that CodePipeline starts when the pipeline is created",
            BuildSpec = BuildSpec.FromObject(new Dictionary<string, object>
            {
                ["version"] = "0.2",
                ["phases"] = new Dictionary<string, object>
                {
                    ["build"] = new Dictionary<string, object> { ["commands"] = CheckTriggerCommands.ToArray() },
                },
            }),
            Environment = new BuildEnvironment
            {
                BuildImage = LinuxBuildImage.STANDARD_7_0,
                ComputeType = ComputeType.SMALL,
                Privileged = false,
                EnvironmentVariables = new Dictionary<string, IBuildEnvironmentVariable>
                {
                    ["PIPELINE_NAME"] = new BuildEnvironmentVariable { Value = pipelineName },
                },
            },
            EncryptionKey = ArtifactBucket.Key,
            Logging = new LoggingOptions
            {
                CloudWatch = new CloudWatchLoggingOptions { LogGroup = logs.LogGroup, Enabled = true },
            },
            Timeout = Duration.Minutes(5),
        });

        // The ARN is built from the name: referencing the pipeline resource would make the pipeline depend on
        // the project's policy and the policy on the pipeline.
        var pipelineArn = Stack.Of(this).FormatArn(new ArnComponents { Service = "codepipeline", Resource = pipelineName, ArnFormat = ArnFormat.NO_RESOURCE_NAME });
        project.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["codepipeline:GetPipelineExecution"],
            Resources = [pipelineArn],
        }));
        return project;
    }
}
