using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.Athena;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record TrainingWorkflowProps
{
    public required AppSettings Settings { get; init; }

    public required BuildOptions Build { get; init; }

    public required SageMakerPipeline Pipeline { get; init; }

    public required ModelPackageGroup ModelPackageGroup { get; init; }

    public required SecureBucket Artifacts { get; init; }

    public required NotificationTopic Topic { get; init; }

    public required LabelingContract Labeling { get; init; }

    /// <summary>The job image and its build, which the workflow starts when the image's tag is missing. Required.</summary>
    public required TrainingImage Image { get; init; }

    /// <summary>
    /// Whether the pipeline runs <see cref="Image"/> (so the workflow makes sure it exists before training).
    /// Default: true; false when training.containerImageUri names another image.
    /// </summary>
    public bool BuildImage { get; init; } = true;

    /// <summary>
    /// Whether the schedule and the LabelsUpdated events start retraining. Default: true; false in the pre-production
    /// and production stages of a staged environment, where models arrive by promotion from dev (the rules stay,
    /// disabled, and the workflow can still be started by hand).
    /// </summary>
    public bool RetrainingTriggersEnabled { get; init; } = true;
}

/// <summary>
/// statemachines/training.asl.json with its role, the Athena workgroup its label query runs in, the counter of new
/// labels since the last training, and its two triggers: the configured schedule and every LabelsUpdated event
/// with new labels. The workflow adds each event's count to the counter and trains once it reaches
/// <c>training.minNewLabelsToRetrain</c>; starting a training (any trigger) sets it back to 0.
/// </summary>
public sealed class TrainingWorkflow : Construct
{
    public const string AslFile = "statemachines/training.asl.json";
    public const string LabelingEventSource = "edgemlops.labeling";
    public const string LabelsUpdatedDetailType = "LabelsUpdated";
    private const string AthenaResultsPrefix = "athena-results/";

    public TrainingWorkflow(Construct scope, string id, TrainingWorkflowProps props)
        : base(scope, id)
    {
        var stack = Stack.Of(this);
        var settings = props.Settings;
        var training = settings.Training;
        StateMachineName = $"{settings.ResourcePrefix}-training";

        WorkGroup = new CfnWorkGroup(this, "LabelQueries", new CfnWorkGroupProps
        {
            Name = $"{settings.ResourcePrefix}-training",
            Description = "Queries of the training workflow over the labels offline store",
            RecursiveDeleteOption = true,
            State = "ENABLED",
            WorkGroupConfiguration = new CfnWorkGroup.WorkGroupConfigurationProperty
            {
                EnforceWorkGroupConfiguration = true,
                PublishCloudWatchMetricsEnabled = true,
                ResultConfiguration = new CfnWorkGroup.ResultConfigurationProperty
                {
                    OutputLocation = $"s3://{props.Artifacts.BucketName}/{AthenaResultsPrefix}",
                    EncryptionConfiguration = new CfnWorkGroup.EncryptionConfigurationProperty
                    {
                        EncryptionOption = "SSE_KMS",
                        KmsKey = props.Artifacts.Key.KeyArn,
                    },
                },
            },
        });
        var workGroupArn = stack.FormatArn(new ArnComponents { Service = "athena", Resource = "workgroup", ResourceName = WorkGroup.Name });

        var maxPolls = Math.Max(1, training.MaxWaitHours * 3600 / training.PollIntervalSeconds);
        var ownArn = stack.FormatArn(new ArnComponents { Service = "states", Resource = "stateMachine", ResourceName = StateMachineName, ArnFormat = ArnFormat.COLON_RESOURCE_NAME });
        var glueDatabaseArn = stack.FormatArn(new ArnComponents { Service = "glue", Resource = "database", ResourceName = props.Labeling.OfflineStoreDatabase });
        var glueTableArn = stack.FormatArn(new ArnComponents { Service = "glue", Resource = "table", ResourceName = $"{props.Labeling.OfflineStoreDatabase}/{props.Labeling.OfflineStoreTable}" });
        var glueCatalogArn = stack.FormatArn(new ArnComponents { Service = "glue", Resource = "catalog" });
        Counter = new RetrainCounter(this, "NewLabelCounter", new RetrainCounterProps());
        DriftEvents = new DriftEventsTable(this, "DriftEvents", new DriftEventsTableProps());

        StateMachine = new AslStateMachine(this, "StateMachine", new AslStateMachineProps
        {
            DefinitionFile = AslFile,
            Build = props.Build,
            StateMachineName = StateMachineName,
            Substitutions = new Dictionary<string, string>
            {
                ["PipelineName"] = props.Pipeline.PipelineName,
                ["AthenaWorkGroup"] = WorkGroup.Name,
                ["OfflineStoreDatabase"] = props.Labeling.OfflineStoreDatabase,
                ["OfflineStoreTable"] = props.Labeling.OfflineStoreTable,
                ["TopicArn"] = props.Topic.TopicArn,
                ["MinNewLabelsToRetrain"] = training.MinNewLabelsToRetrain.ToString(CultureInfo.InvariantCulture),
                ["PollIntervalSeconds"] = training.PollIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                ["MaxPolls"] = maxPolls.ToString(CultureInfo.InvariantCulture),
                ["RegisterStepName"] = TrainingPipelineDefinition.RegisterStepName,
                ["BelowThresholdStepName"] = TrainingPipelineDefinition.FailStepName,
                ["RetrainCounterTableName"] = Counter.TableName,
                ["RetrainCounterKey"] = RetrainCounter.NewLabelsItem,
                ["DriftEventsTableName"] = DriftEvents.TableName,
                ["BuildTrainingImage"] = props.BuildImage ? "true" : "false",
                ["TrainingImageRepositoryName"] = props.Image.RepositoryName,
                ["TrainingImageTag"] = props.Image.Tag,
                ["TrainingImageBuildProject"] = props.Image.Project.ProjectName,
            },
            TaskPermissions =
            [
                Statement(["states:ListExecutions"], ownArn),
                Statement(["sagemaker:ListPipelineExecutions", "sagemaker:StartPipelineExecution"], props.Pipeline.PipelineArn),
                Statement(["sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps"], props.Pipeline.ExecutionsArn),
                Statement(["sagemaker:DescribeModelPackage"], props.ModelPackageGroup.PackagesArn),
                Statement(["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution"], workGroupArn),
                Statement(["sns:Publish"], props.Topic.TopicArn),
                Statement(["dynamodb:UpdateItem"], Counter.TableArn),
                Statement(["dynamodb:Scan"], DriftEvents.TableArn),
                Statement(["ecr:DescribeImages"], props.Image.Repository.RepositoryArn),
                Statement(["codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds"], props.Image.Project.ProjectArn),
                // The managed rule Step Functions uses to learn that a codebuild:startBuild.sync build finished.
                Statement(["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                    stack.FormatArn(new ArnComponents { Service = "events", Resource = "rule", ResourceName = "StepFunctionsGetEventForCodeBuildStartBuildRule" })),
            ],
            SupportingPermissions =
            [
                new SupportingPermission(["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"], [glueCatalogArn, glueDatabaseArn, glueTableArn],
                    "Athena reads the offline store table definition from the Glue catalog as the caller."),
                new SupportingPermission(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                    [$"arn:{stack.Partition}:s3:::{props.Labeling.OfflineStoreBucket}", props.Labeling.OfflineStoreObjectsArn(stack.Partition)],
                    "Athena reads the offline store files (labeling app's bucket) as the caller."),
                new SupportingPermission(["kms:Decrypt"], [props.Labeling.DataBucketKeyArn],
                    "The offline store files are encrypted with the labeling data bucket key."),
                new SupportingPermission(["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                    [props.Artifacts.BucketArn, $"{props.Artifacts.BucketArn}/{AthenaResultsPrefix}*"],
                    "Athena writes the query result below athena-results/ in the artifacts bucket as the caller."),
                new SupportingPermission(["kms:GenerateDataKey", "kms:Decrypt"], [props.Artifacts.Key.KeyArn],
                    "The workgroup encrypts query results with the artifacts bucket key (SSE_KMS)."),
                new SupportingPermission(["kms:GenerateDataKey*", "kms:Decrypt"], [props.Topic.Key.KeyArn],
                    "The notification topic is encrypted with its own key."),
            ],
        });

        // Both triggers pass "trigger" (recorded in the pipeline execution and the model package metadata).
        ScheduleRule = new Rule(this, "Schedule", new RuleProps
        {
            Description = "Retrains the model on the configured schedule (training.schedule)",
            Enabled = props.RetrainingTriggersEnabled,
            Schedule = Schedule.Expression(training.Schedule),
            Targets = [new SfnStateMachine(StateMachine.StateMachine, new SfnStateMachineProps { Input = RuleTargetInput.FromObject(new Dictionary<string, object> { ["trigger"] = "schedule" }) })],
        });
        LabelsUpdatedRule = new Rule(this, "LabelsUpdated", new RuleProps
        {
            // Every event with new labels counts: the workflow adds them up and trains at the threshold, so the
            // rule must not drop events that are small on their own.
            Description = $"Counts the labeling app's new labels; the workflow retrains once {training.MinNewLabelsToRetrain} have arrived since the last training",
            Enabled = props.RetrainingTriggersEnabled,
            EventPattern = new EventPattern
            {
                Source = [LabelingEventSource],
                DetailType = [LabelsUpdatedDetailType],
                Detail = new Dictionary<string, object>
                {
                    ["newLabelCount"] = new object[] { new Dictionary<string, object> { ["numeric"] = new object[] { ">", 0 } } },
                },
            },
            Targets =
            [
                new SfnStateMachine(StateMachine.StateMachine, new SfnStateMachineProps
                {
                    Input = RuleTargetInput.FromObject(new Dictionary<string, object>
                    {
                        ["trigger"] = "labels-updated",
                        ["detail"] = EventField.FromPath("$.detail"),
                    }),
                }),
            ],
        });
    }

    public string StateMachineName { get; }

    /// <summary>The devices' latest drift events, written by the edge app; a LabelsUpdated event after one retrains with reason drift.</summary>
    public DriftEventsTable DriftEvents { get; }

    public AslStateMachine StateMachine { get; }

    public CfnWorkGroup WorkGroup { get; }

    public RetrainCounter Counter { get; }

    public Rule ScheduleRule { get; }

    public Rule LabelsUpdatedRule { get; }

    private static PolicyStatement Statement(string[] actions, string resource) =>
        new(new PolicyStatementProps { Actions = actions, Resources = [resource] });
}
