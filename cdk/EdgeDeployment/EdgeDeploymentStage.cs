using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Components;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.EdgeDeployment.Workflow;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment;

/// <summary>
/// The edge deployment app: the fleet (thing groups, device policy, token exchange role), the artifacts bucket,
/// the inference component version, the device health store, the deployment workflow with its approval links,
/// the model-approval trigger, the workflow pipeline and, when configured, a digital twin. One stack.
/// </summary>
public sealed class EdgeDeploymentStage : Stage
{
    public EdgeDeploymentStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        var settings = props.Settings;
        var contract = new ParameterContract(settings.ParameterRoot);
        Workload = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{settings.ResourcePrefix}-edge",
            Description = "EdgeMlOpsInfra edge app: Greengrass fleet, model rollout workflow with canary, health gate and rollback",
        });
        if (settings.Edge.DigitalTwin.Enabled)
        {
            DigitalTwin.DigitalTwin.PinAvailabilityZone(Workload);
        }

        var notifications = new NotificationTopic(Workload, "Notifications", new NotificationTopicProps
        {
            DisplayName = "EdgeMlOps edge deployment",
            Emails = settings.Notifications.Emails,
        });
        var artifacts = new SecureBucket(Workload, "Artifacts", new SecureBucketProps { Purpose = "edge component artifacts" });
        Fleet = new EdgeFleet(Workload, "Fleet", new EdgeFleetProps { Settings = settings, ArtifactsBucket = artifacts });
        var health = new DeviceHealthStore(Workload, "DeviceHealth", new DeviceHealthStoreProps { Topics = Fleet.Topics });
        var inference = new InferenceComponent(Workload, "InferenceComponent", new InferenceComponentProps
        {
            Edge = settings.Edge,
            Build = props.Build,
            Fleet = Fleet,
        });
        var deployedModel = new StringParameter(Workload, "DeployedModelPackage", new StringParameterProps
        {
            ParameterName = contract.EdgeDeployedModelPackage,
            Description = "Model package and component versions running on the fleet, written by the edge deployment workflow",
            StringValue = "none",
        });

        Workflow = new EdgeDeploymentWorkflow(Workload, "Workflow", new EdgeDeploymentWorkflowProps
        {
            Settings = settings,
            Build = props.Build,
            Fleet = Fleet,
            HealthStore = health,
            InferenceComponent = inference,
            ArtifactsBucket = artifacts,
            Notifications = notifications,
            DeployedModelParameter = deployedModel,
        });
        // The component version must exist before any execution can deploy it.
        Workflow.StateMachine.StateMachine.Node.AddDependency(inference.Resource);

        Trigger = new ModelApprovalTrigger(Workload, "ModelApproved", new ModelApprovalTriggerProps
        {
            ModelPackageGroupName = StringParameter.ValueForStringParameter(Workload, contract.TrainingModelPackageGroupName),
            StateMachine = Workflow.StateMachine.StateMachine,
        });
        _ = new WorkflowPipeline(Workload, "WorkflowPipeline", new WorkflowPipelineProps
        {
            Settings = settings,
            AppName = "edge",
            StateMachine = Workflow.StateMachine.StateMachine,
            InputJson = "{\"trigger\":\"workflow-pipeline\"}",
        });

        Publish(contract.EdgeArtifactsBucketName, artifacts.BucketName, "Bucket of the edge component artifacts");
        Publish(contract.EdgeStateMachineArn, Workflow.StateMachine.StateMachineArn, "ARN of the edge deployment workflow");
        Publish(contract.EdgeHealthTableName, health.TableName, "DynamoDB table with the latest health heartbeat per core device");

        if (settings.Edge.DigitalTwin.Enabled)
        {
            Twin = new DigitalTwin.DigitalTwin(Workload, "DigitalTwin", new DigitalTwin.DigitalTwinProps { Settings = settings, Fleet = Fleet });
        }

        // Last: every key of the stack exists now (CT.KMS.PR.3, grants only for AWS services).
        KmsGrantRestriction.ApplyTo(Workload);
    }

    public Stack Workload { get; }

    public EdgeFleet Fleet { get; }

    public EdgeDeploymentWorkflow Workflow { get; }

    public ModelApprovalTrigger Trigger { get; }

    /// <summary>The digital twin, when <c>edge.digitalTwin.enabled</c>.</summary>
    public DigitalTwin.DigitalTwin? Twin { get; }

    private void Publish(string name, string value, string description) =>
        _ = new StringParameter(Workload, name.Split('/')[^1], new StringParameterProps { ParameterName = name, StringValue = value, Description = description });
}
