using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Components;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment.Workflow;

public sealed record EdgeDeploymentWorkflowProps
{
    /// <summary>Validated settings. Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>Where the repository is and whether Lambdas are published. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>Thing groups and topics. Required.</summary>
    public required EdgeFleet Fleet { get; init; }

    /// <summary>Latest heartbeat per device. Required.</summary>
    public required DeviceHealthStore HealthStore { get; init; }

    /// <summary>The inference component version every deployment sets. Required.</summary>
    public required InferenceComponent InferenceComponent { get; init; }

    /// <summary>The device prerequisites component version every deployment includes. Required.</summary>
    public required DevicePrerequisitesComponent Prerequisites { get; init; }

    /// <summary>Where model artifacts are copied (under <c>models/</c>). Required.</summary>
    public required SecureBucket ArtifactsBucket { get; init; }

    /// <summary>Where the workflow reports. Required.</summary>
    public required NotificationTopic Notifications { get; init; }

    /// <summary>Parameter the workflow overwrites with the deployed versions. Required.</summary>
    public required StringParameter DeployedModelParameter { get; init; }

    /// <summary>The release ledger the workflow writes one record per release to. Required.</summary>
    public required Observability.ReleaseLedger Ledger { get; init; }
}

/// <summary>
/// The edge deployment workflow (<c>statemachines/edge-deployment.asl.json</c>) with its three C# Lambdas, the
/// approval links, and a role allowed exactly the calls its tasks make (plus the documented supporting actions).
/// </summary>
public sealed class EdgeDeploymentWorkflow : Construct
{
    public const string DefinitionFile = "statemachines/edge-deployment.asl.json";
    public const string RejectionError = "FleetRolloutRejected";

    public EdgeDeploymentWorkflow(Construct scope, string id, EdgeDeploymentWorkflowProps props)
        : base(scope, id)
    {
        var settings = props.Settings;
        var edge = settings.Edge;
        var stack = Stack.Of(this);
        var contract = new ParameterContract(settings.ParameterRoot);
        var stateMachineName = $"{settings.ResourcePrefix}-edge-deployment";
        var stateMachineArn = stack.FormatArn(new ArnComponents { Service = "states", Resource = "stateMachine", ResourceName = stateMachineName, ArnFormat = ArnFormat.COLON_RESOURCE_NAME });

        RenderModelRecipe = Function("RenderModelRecipe", props.Build, "Checks an approved model package and renders its Greengrass model component recipe");
        ReviseDeployment = Function("ReviseDeployment", props.Build, "Merges new component versions into a thing group's Greengrass deployment");
        EvaluateFleetHealth = Function("EvaluateFleetHealth", props.Build, "Health gate: decides WAIT, HEALTHY or UNHEALTHY for a deployment's devices");

        Lock = new ReleaseLock(this, "ReleaseLock", new ReleaseLockProps());
        Approval = new ApprovalApi(this, "Approval", new ApprovalApiProps { StateMachineArn = stateMachineArn, RejectionError = RejectionError });

        var modelPackageGroup = StringParameter.ValueForStringParameter(this, contract.TrainingModelPackageGroupName);
        var trainingBucket = StringParameter.ValueForStringParameter(this, contract.TrainingArtifactsBucketName);
        var trainingKeyArn = StringParameter.ValueForStringParameter(this, contract.TrainingArtifactsBucketKeyArn);

        string Greengrass(string resource) => stack.FormatArn(new ArnComponents { Service = "greengrass", Resource = resource, ArnFormat = ArnFormat.NO_RESOURCE_NAME });
        var componentArnPrefix = $"arn:{stack.Partition}:greengrass:{stack.Region}:{stack.Account}:components:";
        var modelArtifacts = props.ArtifactsBucket.Bucket.ArnForObjects("models/*");
        var iotJobs = stack.FormatArn(new ArnComponents { Service = "iot", Resource = "job", ResourceName = "*" });
        var deployedModelParameterArn = stack.FormatArn(new ArnComponents { Service = "ssm", Resource = "parameter", ResourceName = props.DeployedModelParameter.ParameterName.TrimStart('/') });

        StateMachine = new AslStateMachine(this, "StateMachine", new AslStateMachineProps
        {
            DefinitionFile = DefinitionFile,
            Build = props.Build,
            StateMachineName = stateMachineName,
            Timeout = Duration.Days(14),
            Substitutions = new Dictionary<string, string>
            {
                ["RolloutMaximumPerMinute"] = Number(edge.Rollout.MaximumPerMinute),
                ["RolloutAbortFailurePercent"] = Number(edge.Rollout.AbortFailurePercent),
                ["RolloutAbortMinExecutedThings"] = Number(edge.Rollout.AbortMinExecutedThings),
                ["RolloutJobTimeoutMinutes"] = Number(edge.Rollout.JobTimeoutMinutes),
                ["ComponentUpdateTimeoutSeconds"] = Number(edge.Rollout.ComponentUpdateTimeoutSeconds),
                ["ConfigurationValidationTimeoutSeconds"] = Number(edge.Rollout.ConfigurationValidationTimeoutSeconds),
                ["HealthPollIntervalSeconds"] = Number(edge.HealthGate.PollIntervalSeconds),
                ["HealthSoakMinutes"] = Number(edge.HealthGate.SoakMinutes),
                ["HealthMaxErrorRate"] = Number(edge.HealthGate.MaxErrorRate),
                ["HealthMinFramesPerDevice"] = Number(edge.HealthGate.MinFramesPerDevice),
                ["HealthMaxDeploymentMinutes"] = Number(edge.HealthGate.MaxDeploymentMinutes),
                ["HealthHeartbeatMaxAgeSeconds"] = Number(edge.HealthGate.HeartbeatMaxAgeSeconds),
                ["ShadowSampleEvery"] = Number(edge.Inference.ShadowSampleEvery),
                ["ShadowMinFramesCompared"] = Number(edge.HealthGate.Shadow.MinFramesCompared),
                ["ShadowMaxMissedDefectShare"] = Number(edge.HealthGate.Shadow.MaxMissedDefectShare),
                ["ShadowMaxMissedPpm"] = Number(Math.Round(edge.HealthGate.Shadow.MaxMissedDefectShare * 1_000_000)),
                ["ShadowMaxDefectRateDifference"] = Number(edge.HealthGate.Shadow.MaxDefectRateDifference),
                ["ShadowMinDefectRateDifference"] = Number(-edge.HealthGate.Shadow.MaxDefectRateDifference),
                ["ShadowMinBoxF1"] = Number(edge.HealthGate.Shadow.MinBoxF1),
                ["ShadowMaxLatencyRatio"] = Number(edge.HealthGate.Shadow.MaxLatencyRatio),
                ["RequireManualApproval"] = edge.RequireManualApproval ? "true" : "false",
                ["ModelPackageGroupName"] = modelPackageGroup,
                ["NotificationTopicArn"] = props.Notifications.TopicArn,
                ["RenderModelRecipeFunctionArn"] = RenderModelRecipe.FunctionArn,
                ["ReviseDeploymentFunctionArn"] = ReviseDeployment.FunctionArn,
                ["EvaluateFleetHealthFunctionArn"] = EvaluateFleetHealth.FunctionArn,
                ["ModelComponentName"] = edge.ModelComponentName,
                ["ArtifactsBucketName"] = props.ArtifactsBucket.BucketName,
                ["ComponentArnPrefix"] = componentArnPrefix,
                ["CanaryThingGroupName"] = edge.CanaryThingGroup,
                ["CanaryThingGroupArn"] = props.Fleet.CanaryGroupArn,
                ["FleetThingGroupName"] = edge.FleetThingGroup,
                ["FleetThingGroupArn"] = props.Fleet.FleetGroupArn,
                ["InferenceComponentName"] = props.InferenceComponent.ComponentName,
                ["InferenceComponentVersion"] = props.InferenceComponent.ComponentVersion,
                ["DevicePrerequisitesComponentName"] = props.Prerequisites.ComponentName,
                ["DevicePrerequisitesComponentVersion"] = props.Prerequisites.ComponentVersion,
                ["HealthTableName"] = props.HealthStore.TableName,
                ["HealthIndexName"] = DeviceHealthStore.ModelVersionIndex,
                ["HealthMaxErrorPpm"] = Number(Math.Round(edge.HealthGate.MaxErrorRate * 1_000_000)),
                ["ReleaseLockTableName"] = Lock.TableName,
                ["ReleaseLedgerTableName"] = props.Ledger.TableName,
                ["ApprovalApiUrl"] = Approval.Url,
                // The approval e-mail's console links: the execution, the model package group and the fleet dashboard.
                ["Region"] = stack.Region,
                ["DashboardName"] = Observability.FleetDashboard.NameFor(settings.ResourcePrefix),
                ["DeployedModelParameterName"] = props.DeployedModelParameter.ParameterName,
                ["InferenceConfidenceThreshold"] = Number(edge.Inference.ConfidenceThreshold),
                ["InferenceIouThreshold"] = Number(edge.Inference.IouThreshold),
                ["InferenceFrameIntervalMs"] = Number(edge.Inference.FrameIntervalMs),
                ["InferenceHealthIntervalSeconds"] = Number(edge.Inference.HealthIntervalSeconds),
                ["DriftEnabled"] = edge.Drift.Enabled ? "true" : "false",
                ["DriftWindowFrames"] = Number(edge.Drift.WindowFrames),
                ["DriftMinFrames"] = Number(edge.Drift.MinFrames),
                ["DriftThreshold"] = Number(edge.Drift.Threshold),
                ["DriftBoostSampleFraction"] = Number(edge.Drift.BoostSampleFraction),
                ["DriftBoostMinutes"] = Number(edge.Drift.BoostMinutes),
                ["CaptureBucketName"] = StringParameter.ValueForStringParameter(this, contract.LabelingDataBucketName),
                ["CapturePrefix"] = StringParameter.ValueForStringParameter(this, contract.LabelingCapturePrefix),
            },
            TaskPermissions =
            [
                Allow(["sagemaker:ListModelPackages"], ["*"]),
                Allow(["sagemaker:DescribeModelPackage"], [stack.FormatArn(new ArnComponents { Service = "sagemaker", Resource = "model-package", ResourceName = "*" })]),
                Allow(["s3:GetObject"], [Fn.Join(string.Empty, ["arn:", Aws.PARTITION, ":s3:::", trainingBucket, "/*"])]),
                Allow(["s3:PutObject"], [modelArtifacts]),
                Allow(["greengrass:CreateComponentVersion"], [$"{componentArnPrefix}{edge.ModelComponentName}"]),
                Allow(["greengrass:DescribeComponent"], [$"{componentArnPrefix}{edge.ModelComponentName}:versions:*"]),
                // The Service Authorization Reference (Greengrass V2) gives ListDeployments, ListCoreDevices and
                // CreateDeployment no resource types: they take "*" only (a thing group ARN here would deny every
                // call). What a deployment reaches is bounded by its dependent actions below: iot:CreateJob and
                // iot:DescribeThingGroup on our two thing groups only.
                Allow(["greengrass:ListDeployments", "greengrass:ListCoreDevices", "greengrass:CreateDeployment"], ["*"]),
                Allow(["greengrass:GetDeployment"], [Greengrass("deployments:*")]),
                Allow(["iot:ListJobExecutionsForJob", "iot:DescribeJob"], [iotJobs]),
                // Is the fleet group empty (a stage whose canary is its only device)? Asked of the fleet group only.
                Allow(["iot:ListThingsInThingGroup"], [props.Fleet.FleetGroupArn]),
                Allow(["dynamodb:Query"], [props.HealthStore.ModelVersionIndexArn]),
                // The approval e-mail's acceptance evidence: the canary devices' heartbeats by key (the index does not carry it).
                Allow(["dynamodb:BatchGetItem"], [props.HealthStore.Table.TableArn]),
                Allow(["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"], [Lock.TableArn]),
                Allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [props.Ledger.Table.TableArn]),
                Allow(["states:DescribeExecution"], [stack.FormatArn(new ArnComponents { Service = "states", Resource = "execution", ResourceName = $"{stateMachineName}:*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME })]),
                Allow(["ssm:GetParameter"], [deployedModelParameterArn]),
                Allow(["lambda:InvokeFunction"], [RenderModelRecipe.FunctionArn, ReviseDeployment.FunctionArn, EvaluateFleetHealth.FunctionArn]),
                Allow(["sns:Publish"], [props.Notifications.TopicArn]),
                Allow(["ssm:PutParameter"], [deployedModelParameterArn]),
            ],
            SupportingPermissions =
            [
                new(["kms:GenerateDataKey", "kms:Decrypt"], [props.Notifications.Key.KeyArn], "sns:Publish to the KMS-encrypted notification topic encrypts with its key."),
                new(["kms:Decrypt"], [trainingKeyArn], "s3:CopyObject reads the model artifact, encrypted with the training app's bucket key."),
                new(["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"], [props.ArtifactsBucket.Key.KeyArn], "s3:CopyObject writes the model into the artifacts bucket, encrypted with its key; CreateComponentVersion reads it back to validate the artifact."),
                new(["s3:GetObject", "s3:GetBucketLocation"], [modelArtifacts, props.ArtifactsBucket.BucketArn], "greengrass:CreateComponentVersion checks with the caller's credentials that the recipe's artifact can be read."),
                new(["kms:Decrypt"], [props.HealthStore.Key.KeyArn], "dynamodb:Query and BatchGetItem read the health table and its index, encrypted with a customer-managed key."),
                new(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], [props.Ledger.Key.KeyArn], "dynamodb:PutItem and UpdateItem write the release ledger, encrypted with its customer-managed key; UpdateItem reads the stored item first."),
                // The IoT job behind a deployment (iot:CreateJob: resource types job and thinggroup): created on our
                // thing groups only (no thing/* target); jobs have generated ids, so the job calls name every job of
                // the account and region (job/*). CreateDeployment's other dependent actions (iot:DescribeThing and
                // the thing shadow actions, resource type thing) serve deployments to a single core device, which
                // this workflow never creates, so they are not granted.
                new(["iot:CreateJob"], [props.Fleet.CanaryGroupArn, props.Fleet.FleetGroupArn, iotJobs],
                    "greengrass:CreateDeployment creates the deployment's IoT job on the target thing group with the caller's permissions."),
                new(["iot:CancelJob", "iot:UpdateJob"], [iotJobs],
                    "greengrass:CreateDeployment cancels or updates the target's previous deployment job, which it replaces."),
                new(["iot:DescribeThingGroup"], [props.Fleet.CanaryGroupArn, props.Fleet.FleetGroupArn],
                    "greengrass:CreateDeployment reads the target thing group."),
                new(["greengrass:TagResource"], [Greengrass("deployments:*")], "greengrass:CreateDeployment with Tags (the deployed model package and component versions) needs TagResource."),
            ],
        });
    }

    public DotnetFunction RenderModelRecipe { get; }

    public DotnetFunction ReviseDeployment { get; }

    public DotnetFunction EvaluateFleetHealth { get; }

    public ApprovalApi Approval { get; }

    /// <summary>The environment's release lock (one release at a time).</summary>
    public ReleaseLock Lock { get; }

    public AslStateMachine StateMachine { get; }

    private DotnetFunction Function(string name, BuildOptions build, string description) =>
        new(this, name, new DotnetFunctionProps
        {
            ProjectDirectory = $"lambdas/{name}",
            Handler = $"{name}::EdgeMlOps.EdgeDeployment.{name}.Function::Handle",
            Build = build,
            Description = description,
            Timeout = Duration.Seconds(30),
            MemorySize = 256,
        });

    private static PolicyStatement Allow(string[] actions, string[] resources) =>
        new(new PolicyStatementProps { Actions = actions, Resources = resources });

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
