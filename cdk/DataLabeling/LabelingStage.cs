using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// All workload stacks of the labeling app: one stack with the data bucket, the label feature group, the Ground
/// Truth UI, the labeling workflow and its scheduled workflow pipeline, and the SSM parameters other apps read.
/// </summary>
public sealed class LabelingStage : AppStage
{
    public LabelingStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, props, new AppStageDefinition("labeling", "EdgeMlOps labeling",
            "EdgeMlOpsInfra labeling app: Ground Truth labeling workflow into a versioned Feature Store"))
    {
        var settings = props.Settings;
        var labeling = settings.Labeling;
        Data = new SecureBucket(Workload, "Data", new SecureBucketProps
        {
            Purpose = "labeling data (images, manifests, labeling output, offline feature store)",
            // Named in staged environments: production replicates its captures to dev's by name.
            BucketName = settings.Stage is null ? null : StagedDataBucketNameOf(settings.ResourcePrefix, settings.Account),
        });

        var underscored = settings.ResourcePrefix.Replace('-', '_');
        FeatureGroup = new LabelFeatureGroup(Workload, "Labels", new LabelFeatureGroupProps
        {
            FeatureGroupName = $"{settings.ResourcePrefix}-labels",
            DatabaseName = $"{underscored}_labeling",
            TableName = $"{underscored}_labels",
            Bucket = Data,
        });

        Ui = new GroundTruthUi(Workload, "GroundTruthUi", new GroundTruthUiProps
        {
            Bucket = Data,
            ClassLabels = labeling.ClassLabels,
            Build = props.Build,
        });

        Workflow = new LabelingWorkflow(Workload, "Workflow", new LabelingWorkflowProps
        {
            Settings = settings,
            Build = props.Build,
            Bucket = Data,
            Topic = Topic,
            FeatureGroup = FeatureGroup,
            Ui = Ui,
        });

        Pipeline = new WorkflowPipeline(Workload, "WorkflowPipeline", new WorkflowPipelineProps
        {
            Settings = settings,
            AppName = "labeling",
            StateMachine = Workflow.StateMachine.StateMachine,
            // Labels feed training, which runs in dev only: pre-production's captures are the twin's replayed frames and
            // production's reach dev by replication. The other stages' workflow runs on demand only.
            Schedule = settings.Stage is null || settings.Stage.Kind == Shared.Configuration.DeploymentStageKind.Dev ? labeling.Schedule : null,
        });

        if (settings.Stage is { } stage && CaptureReplicationNames.Of(settings) is { } replication)
        {
            var replicationProps = new CaptureReplicationProps { Data = Data, Names = replication };
            if (stage.Kind == Shared.Configuration.DeploymentStageKind.Production)
            {
                CaptureReplication = new CaptureReplicationSource(Workload, "CaptureReplication", replicationProps);
            }
            else if (stage.Kind == Shared.Configuration.DeploymentStageKind.Dev)
            {
                _ = new CaptureReplicationTarget(Workload, "CaptureReplicationTarget", replicationProps);
            }
        }

        // Every failure notifies, including those no Catch sees (history or payload limits, timeouts, aborts).
        FailureNotification = new ExecutionFailureNotification(Workload, "WorkflowFailureNotification", new ExecutionFailureNotificationProps
        {
            StateMachine = Workflow.StateMachine.StateMachine,
            Topic = Topic,
            WorkflowTitle = "Labeling",
        });

        PublishContract(labeling.IncomingPrefix, labeling.CapturePrefix);
        RestrictKmsGrants();
    }

    /// <summary>The rule reporting failed, timed-out and aborted workflow executions to the topic.</summary>
    public ExecutionFailureNotification FailureNotification { get; }

    public SecureBucket Data { get; }

    /// <summary>Production's replication of its captures to dev. Default: absent outside production of a staged environment.</summary>
    public CaptureReplicationSource? CaptureReplication { get; }

    /// <summary>Name of the labeling data bucket of a stage of a staged environment (at most 31 + 22 characters).</summary>
    public static string StagedDataBucketNameOf(string resourcePrefix, string account) => $"{resourcePrefix}-labeling-{account}";

    public LabelFeatureGroup FeatureGroup { get; }

    public GroundTruthUi Ui { get; }

    public LabelingWorkflow Workflow { get; }

    public WorkflowPipeline Pipeline { get; }

    private void PublishContract(string incomingPrefix, string capturePrefix)
    {
        var contract = Contract;
        var parameters = new (string Id, string Name, string Value, string Description)[]
        {
            ("DataBucketName", contract.LabelingDataBucketName, Data.BucketName, "Labeling data bucket"),
            ("DataBucketKeyArn", contract.LabelingDataBucketKeyArn, Data.Key.KeyArn, "KMS key of the labeling data bucket"),
            ("IncomingPrefix", contract.LabelingIncomingPrefix, incomingPrefix, "Prefix where line cameras drop new images"),
            ("CapturePrefix", contract.LabelingCapturePrefix, capturePrefix, "Prefix where edge devices upload uncertain images"),
            ("FeatureGroupName", contract.LabelingFeatureGroupName, FeatureGroup.FeatureGroupName, "Labels feature group"),
            ("OfflineStoreDatabase", contract.LabelingOfflineStoreDatabase, FeatureGroup.DatabaseName, "Glue database of the labels offline store"),
            ("OfflineStoreTable", contract.LabelingOfflineStoreTable, FeatureGroup.TableName, "Glue table of the labels offline store"),
            ("OfflineStoreUri", contract.LabelingOfflineStoreUri, FeatureGroup.OfflineStoreUri, "S3 URI of the labels offline store"),
            ("StateMachineArn", contract.LabelingStateMachineArn, Workflow.StateMachine.StateMachineArn, "ARN of the labeling workflow"),
            ("WorkflowLogGroupName", contract.LabelingWorkflowLogGroupName, Workflow.StateMachine.LogGroup.LogGroupName, "Log group of the labeling workflow's executions"),
        };
        foreach (var (id, name, value, description) in parameters)
        {
            PublishParameter($"Contract{id}", name, value, description);
        }
    }
}
