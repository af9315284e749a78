using Amazon.CDK;
using Amazon.CDK.AWS.S3.Assets;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Cdk.ModelTraining.Promotion;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>
/// All workload stacks of the training app: one stack with the artifacts bucket, the model package group, the
/// PrepareYoloDataset function, the job image (ECR repository and its CodeBuild build), the SageMaker pipeline and its role, the training workflow with its schedule and
/// LabelsUpdated triggers, a workflow pipeline for manual runs, and the SSM parameters other apps read.
/// </summary>
public sealed class TrainingStage : AppStage
{
    /// <summary>
    /// Deep Learning Container the job image is built on (<see cref="TrainingImage"/>), in the deployment region.
    /// </summary>
    public const string BaseImageRepository = "763104351884.dkr.ecr.{0}.amazonaws.com/pytorch-training:2.3.0-gpu-py311";

    public TrainingStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, props, new AppStageDefinition("training", "EdgeMlOps training",
            "EdgeMlOpsInfra training app: YOLOv8 SageMaker pipeline, evaluation gate, model registry, retraining triggers"))
    {
        var settings = props.Settings;
        var training = settings.Training;
        var contract = Contract;
        Artifacts = new SecureBucket(Workload, "Artifacts", new SecureBucketProps
        {
            // In a staged environment the next stage's account names this bucket in its policies.
            BucketName = settings.Stage is null ? null : StagedArtifactsBucketNameOf(settings.ResourcePrefix, settings.Account),
            Purpose = "training artifacts (label query results, datasets, models, evaluation reports, pretrained weights)",
            AdditionalLifecycleRules =
            [
                new Amazon.CDK.AWS.S3.LifecycleRule { Id = "ExpireQueryResults", Prefix = "athena-results/", Expiration = Duration.Days(90) },
            ],
        });

        ModelPackageGroup = new ModelPackageGroup(Workload, "ModelPackageGroup", new ModelPackageGroupProps
        {
            GroupName = ModelPackageGroupNameOf(settings.ResourcePrefix),
            Description = "YOLOv8 ONNX defect detectors trained by the training pipeline; approve a version to deploy it to the edge",
        });

        var labeling = LabelingContract.Read(Workload, contract);
        PrepareDataset = new DotnetFunction(Workload, "PrepareYoloDataset", new DotnetFunctionProps
        {
            ProjectDirectory = "lambdas/PrepareYoloDataset",
            Handler = "PrepareYoloDataset::EdgeMlOps.Lambdas.PrepareYoloDataset.Handler::HandleAsync",
            Build = props.Build,
            Description = "Training pipeline step: latest approved labels to a YOLO dataset (split, labels, images)",
            // A SageMaker Lambda step waits at most 10 minutes for its function.
            Timeout = Duration.Minutes(10),
            MemorySize = 1024,
        });
        Artifacts.GrantRead(PrepareDataset.Role, "athena-results/*");
        Artifacts.GrantPut(PrepareDataset.Role, "datasets/*");
        var dataBucket = Amazon.CDK.AWS.S3.Bucket.FromBucketName(Workload, "LabelingDataBucket", labeling.DataBucketName);
        dataBucket.GrantRead(PrepareDataset.Role);
        Amazon.CDK.AWS.KMS.Key.FromKeyArn(Workload, "LabelingDataKey", labeling.DataBucketKeyArn).GrantDecrypt(PrepareDataset.Role);

        var sourceDir = new Asset(Workload, "TrainingScripts", new AssetProps { Path = SourceDirArchive.Build(props.Build.RepositoryRoot) });
        // The jobs run with network isolation, so their image must already hold the pinned requirements: the app
        // builds it, unless training.containerImageUri names one (which then must hold them too).
        Image = new TrainingImage(Workload, "TrainingImage", new TrainingImageProps
        {
            RepositoryRoot = props.Build.RepositoryRoot,
            RepositoryName = $"{settings.ResourcePrefix}-training",
            BaseImageUri = string.Format(System.Globalization.CultureInfo.InvariantCulture, BaseImageRepository, settings.Region),
        });
        var imageUri = training.ContainerImageUri ?? Image.ImageUri;
        var pipelineName = $"{settings.ResourcePrefix}-training";
        PipelineRole = new TrainingPipelineRole(Workload, "PipelineRole", new TrainingPipelineRoleProps
        {
            PipelineName = pipelineName,
            Artifacts = Artifacts,
            ModelPackageGroup = ModelPackageGroup,
            PrepareDatasetFunction = PrepareDataset.Function,
            SourceDir = sourceDir,
            ContainerImageUri = imageUri,
            ExternalWeightsUri = training.PretrainedWeightsUri,
        });

        var inputs = new TrainingPipelineInputs
        {
            Settings = training,
            ClassNames = settings.Labeling.ClassLabels,
            PipelineRoleArn = PipelineRole.RoleArn,
            PrepareDatasetFunctionArn = PrepareDataset.FunctionArn,
            ArtifactsBucketName = Artifacts.BucketName,
            ArtifactsKeyArn = Artifacts.Key.KeyArn,
            ModelPackageGroupName = ModelPackageGroup.GroupName,
            ContainerImageUri = imageUri,
            SourceDirUri = sourceDir.S3ObjectUrl,
            PretrainedWeightsUri = training.PretrainedWeightsUri ?? $"s3://{Artifacts.BucketName}/pretrained/yolov8n.pt",
            SourceCommit = SourceCommit.Resolve(props.Build.RepositoryRoot),
            // Evaluation scores the model at the thresholds the devices are configured with, written once in the config.
            DeviceThresholds = new DeviceThresholds(settings.Edge.Inference.ConfidenceThreshold, settings.Edge.Inference.IouThreshold),
        };
        Pipeline = new SageMakerPipeline(Workload, "Pipeline", new SageMakerPipelineProps
        {
            PipelineName = pipelineName,
            Definition = TrainingPipelineDefinition.Create(inputs),
            ReadableDefinition = TrainingPipelineDefinition.Create(inputs with
            {
                PipelineRoleArn = "${PipelineRoleArn}",
                PrepareDatasetFunctionArn = "${PrepareYoloDatasetFunctionArn}",
                ArtifactsBucketName = "${ArtifactsBucketName}",
                ArtifactsKeyArn = "${ArtifactsKeyArn}",
                SourceDirUri = "s3://${AssetsBucket}/${TrainingScriptsAssetKey}",
                PretrainedWeightsUri = training.PretrainedWeightsUri ?? "s3://${ArtifactsBucketName}/pretrained/yolov8n.pt",
            }),
            Role = PipelineRole.Role,
            Description = "Prepare YOLO dataset, train YOLOv8 and export ONNX, evaluate on the test split, register when mAP50 reaches the threshold",
        });
        Pipeline.Resource.Node.AddDependency(PipelineRole.Role);

        Workflow = new TrainingWorkflow(Workload, "Workflow", new TrainingWorkflowProps
        {
            Settings = settings,
            Build = props.Build,
            Pipeline = Pipeline,
            ModelPackageGroup = ModelPackageGroup,
            Artifacts = Artifacts,
            Topic = Topic,
            Labeling = labeling,
            Image = Image,
            BuildImage = training.ContainerImageUri is null,
            // Models are trained in dev only; pre-production and production receive them by promotion.
            RetrainingTriggersEnabled = settings.Stage is null || settings.Stage.Kind == Shared.Configuration.DeploymentStageKind.Dev,
        });

        // Manual runs ("Release change"); the schedule is the workflow's own rule, so it is not set here.
        ManualRuns = new WorkflowPipeline(Workload, "WorkflowPipeline", new WorkflowPipelineProps
        {
            Settings = settings,
            AppName = "training",
            StateMachine = Workflow.StateMachine.StateMachine,
            InputJson = "{\"trigger\":\"manual\"}",
        });

        // Every failure notifies, including those no Catch sees (history or payload limits, timeouts, aborts).
        FailureNotification = new ExecutionFailureNotification(Workload, "WorkflowFailureNotification", new ExecutionFailureNotificationProps
        {
            StateMachine = Workflow.StateMachine.StateMachine,
            Topic = Topic,
            WorkflowTitle = "Training",
        });

        if (settings.Stage is { } stage && settings.Stages is { } stages)
        {
            AddModelPromotion(settings, stage, stages, props.Build, imageUri);
        }

        PublishContract(contract);
        RestrictKmsGrants();
    }

    /// <summary>Name of the model package group of the stage or environment with <paramref name="resourcePrefix"/>.</summary>
    public static string ModelPackageGroupNameOf(string resourcePrefix) => $"{resourcePrefix}-defect-detector";

    /// <summary>Name of the training artifacts bucket of a stage of a staged environment (at most 31 + 22 characters).</summary>
    public static string StagedArtifactsBucketNameOf(string resourcePrefix, string account) => $"{resourcePrefix}-training-{account}";

    /// <summary>The model promotion into pre-production, then production. Default: absent outside staged environments.</summary>
    public ModelPromotionWorkflow? Promotion { get; private set; }

    /// <summary>What the next stage may read of this stage's models. Default: absent in production and outside staged environments.</summary>
    public CrossAccountModelAccess? NextStageAccess { get; private set; }

    /// <summary>Forwards this stage's promotion events to the next stage. Default: absent in production and outside staged environments.</summary>
    public PromotionEventForwarder? Forwarder { get; private set; }

    // Dev: approvals go to pre-production, which may read the packages. Pre-production: promoted from dev without a
    // person; its passed releases go to production, which may read the promoted copies. Production: promoted from
    // pre-production after a person approves.
    private void AddModelPromotion(Shared.Configuration.AppSettings settings, Shared.Configuration.DeploymentTarget stage, Shared.Configuration.StagedAccounts stages, BuildOptions build, string containerImageUri)
    {
        var self = ModelPromotionSource.Of(settings, stage);
        Shared.Configuration.DeploymentTarget? previous = stage.Kind switch
        {
            Shared.Configuration.DeploymentStageKind.PreProduction => stages.Dev,
            Shared.Configuration.DeploymentStageKind.Production => stages.PreProduction,
            _ => null,
        };
        Shared.Configuration.DeploymentTarget? next = stage.Kind switch
        {
            Shared.Configuration.DeploymentStageKind.Dev => stages.PreProduction,
            Shared.Configuration.DeploymentStageKind.PreProduction => stages.Production,
            _ => null,
        };

        if (previous is not null)
        {
            Promotion = new ModelPromotionWorkflow(Workload, "ModelPromotion", new ModelPromotionWorkflowProps
            {
                Source = ModelPromotionSource.Of(settings, previous),
                StageName = settings.ResourcePrefix,
                RequiresPersonApproval = stage.Kind == Shared.Configuration.DeploymentStageKind.Production,
                ModelPackageGroup = ModelPackageGroup,
                Artifacts = Artifacts,
                ContainerImageUri = containerImageUri,
                Topic = Topic,
                Build = build,
            });
        }

        if (next is not null)
        {
            NextStageAccess = new CrossAccountModelAccess(Workload, "NextStageModelAccess", new CrossAccountModelAccessProps
            {
                ConsumerAccount = next.Account,
                ModelPackageGroup = ModelPackageGroup,
                Artifacts = Artifacts,
            });
            var dev = stage.Kind == Shared.Configuration.DeploymentStageKind.Dev;
            Forwarder = new PromotionEventForwarder(Workload, "PromotionEvents", new PromotionEventForwarderProps
            {
                Next = ModelPromotionSource.Of(settings, next),
                Pattern = dev ? ModelPromotionWorkflow.ApprovedPattern(self) : ModelPromotionWorkflow.ReleasePassedPattern(self),
                Description = dev
                    ? $"Sends approvals of this registry's packages to pre-production ({next.Account}), which promotes them"
                    : $"Sends releases that passed this pre-production fleet to production ({next.Account}), where a person approves their promotion",
            });
        }
    }

    /// <summary>The rule reporting failed, timed-out and aborted workflow executions to the topic.</summary>
    public ExecutionFailureNotification FailureNotification { get; }

    public SecureBucket Artifacts { get; }

    public ModelPackageGroup ModelPackageGroup { get; }

    public DotnetFunction PrepareDataset { get; }

    public TrainingImage Image { get; }

    public TrainingPipelineRole PipelineRole { get; }

    public SageMakerPipeline Pipeline { get; }

    public TrainingWorkflow Workflow { get; }

    public WorkflowPipeline ManualRuns { get; }

    private void PublishContract(ParameterContract contract)
    {
        var parameters = new (string Id, string Name, string Value, string Description)[]
        {
            ("ModelPackageGroupName", contract.TrainingModelPackageGroupName, ModelPackageGroup.GroupName, "Model package group of the trained defect detectors"),
            ("ArtifactsBucketName", contract.TrainingArtifactsBucketName, Artifacts.BucketName, "Training artifacts bucket (model.tar.gz of every package)"),
            ("ArtifactsBucketKeyArn", contract.TrainingArtifactsBucketKeyArn, Artifacts.Key.KeyArn, "KMS key of the training artifacts bucket"),
            ("StateMachineArn", contract.TrainingStateMachineArn, Workflow.StateMachine.StateMachineArn, "ARN of the training workflow"),
            ("WorkflowLogGroupName", contract.TrainingWorkflowLogGroupName, Workflow.StateMachine.LogGroup.LogGroupName, "Log group of the training workflow's executions"),
            ("PipelineName", contract.TrainingPipelineName, Pipeline.PipelineName, "SageMaker training pipeline"),
            ("DriftEventsTableName", contract.TrainingDriftEventsTableName, Workflow.DriftEvents.TableName, "Table of the devices' latest drift events (the edge app's drift rule writes it)"),
        };
        foreach (var (id, name, value, description) in parameters)
        {
            PublishParameter($"Contract{id}", name, value, description);
        }
    }
}
