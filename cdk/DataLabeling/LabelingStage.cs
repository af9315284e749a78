using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// All workload stacks of the labeling app: one stack with the data bucket, the label feature group, the Ground
/// Truth UI, the labeling workflow and its scheduled workflow pipeline, and the SSM parameters other apps read.
/// </summary>
public sealed class LabelingStage : Stage
{
    public LabelingStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        var settings = props.Settings;
        var labeling = settings.Labeling;
        Workload = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{settings.ResourcePrefix}-labeling",
            Description = "EdgeMlOpsInfra labeling app: Ground Truth labeling workflow into a versioned Feature Store",
        });

        Topic = new NotificationTopic(Workload, "Notifications", new NotificationTopicProps
        {
            DisplayName = "EdgeMlOps labeling",
            Emails = settings.Notifications.Emails,
        });

        Data = new SecureBucket(Workload, "Data", new SecureBucketProps
        {
            Purpose = "labeling data (images, manifests, labeling output, offline feature store)",
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
            Schedule = labeling.Schedule,
        });

        PublishContract(new ParameterContract(settings.ParameterRoot), labeling.IncomingPrefix, labeling.CapturePrefix);
        KmsGrantRestriction.ApplyTo(this);
    }

    public Stack Workload { get; }

    public NotificationTopic Topic { get; }

    public SecureBucket Data { get; }

    public LabelFeatureGroup FeatureGroup { get; }

    public GroundTruthUi Ui { get; }

    public LabelingWorkflow Workflow { get; }

    public WorkflowPipeline Pipeline { get; }

    private void PublishContract(ParameterContract contract, string incomingPrefix, string capturePrefix)
    {
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
        };
        foreach (var (id, name, value, description) in parameters)
        {
            _ = new StringParameter(Workload, $"Contract{id}", new StringParameterProps
            {
                ParameterName = name,
                StringValue = value,
                Description = description,
            });
        }
    }
}
