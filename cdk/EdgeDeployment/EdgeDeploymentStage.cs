using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Components;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.EdgeDeployment.Observability;
using EdgeMlOps.Cdk.EdgeDeployment.Workflow;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment;

/// <summary>
/// The edge deployment app: the fleet (thing groups, device policy, token exchange role), the artifacts bucket,
/// the device prerequisites and inference component versions, the device health store, the deployment workflow with its approval links,
/// the model-approval trigger, the workflow pipeline and, when configured, a digital twin. One stack.
/// </summary>
public sealed class EdgeDeploymentStage : AppStage
{
    public EdgeDeploymentStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, props, new AppStageDefinition("edge", "EdgeMlOps edge deployment",
            "EdgeMlOpsInfra edge app: Greengrass fleet, model rollout workflow with canary, health gate and rollback")
        {
            PrepareWorkload = props.Settings.Edge.DigitalTwin.Enabled ? DigitalTwin.DigitalTwin.PinAvailabilityZone : null,
        })
    {
        var settings = props.Settings;
        var contract = Contract;
        var notifications = Topic;
        var artifacts = new SecureBucket(Workload, "Artifacts", new SecureBucketProps { Purpose = "edge component artifacts" });
        Fleet = new EdgeFleet(Workload, "Fleet", new EdgeFleetProps { Settings = settings, ArtifactsBucket = artifacts });
        var health = new DeviceHealthStore(Workload, "DeviceHealth", new DeviceHealthStoreProps { Topics = Fleet.Topics });
        Metrics = new FleetMetrics(Workload, "FleetMetrics", new FleetMetricsProps
        {
            Topics = Fleet.Topics,
            Namespace = $"EdgeMlOps/{settings.ResourcePrefix}",
            NamePrefix = settings.ResourcePrefix,
            Key = health.Key,
            ErrorLog = health.ErrorLog,
            HealthIntervalSeconds = settings.Edge.Inference.HealthIntervalSeconds,
        });
        DriftEvents = new DriftEventRule(Workload, "DriftEvents", new DriftEventRuleProps
        {
            Topics = Fleet.Topics,
            DriftEventsTableName = StringParameter.ValueForStringParameter(Workload, contract.TrainingDriftEventsTableName),
            ErrorLog = health.ErrorLog,
        });
        var prerequisites = Prerequisites = new DevicePrerequisitesComponent(Workload, "DevicePrerequisites", new DevicePrerequisitesComponentProps
        {
            Edge = settings.Edge,
            Build = props.Build,
            Fleet = Fleet,
        });
        var inference = new InferenceComponent(Workload, "InferenceComponent", new InferenceComponentProps
        {
            Edge = settings.Edge,
            Build = props.Build,
            Fleet = Fleet,
            Prerequisites = prerequisites,
        });
        var deployedModel = new StringParameter(Workload, "DeployedModelPackage", new StringParameterProps
        {
            ParameterName = contract.EdgeDeployedModelPackage,
            Description = "Model package and component versions running on the fleet, written by the edge deployment workflow",
            StringValue = "none",
        });

        // Written by the edge workflow, one record per release (docs/observability.md, "Release ledger").
        Ledger = new ReleaseLedger(Workload, "ReleaseLedger", new ReleaseLedgerProps());
        _ = new CfnOutput(Workload, "ReleaseLedgerTableName", new CfnOutputProps
        {
            Value = Ledger.TableName,
            Description = "Release ledger table (fleet status --ledger-table)",
        });

        Workflow = new EdgeDeploymentWorkflow(Workload, "Workflow", new EdgeDeploymentWorkflowProps
        {
            Settings = settings,
            Build = props.Build,
            Fleet = Fleet,
            HealthStore = health,
            InferenceComponent = inference,
            Prerequisites = prerequisites,
            ArtifactsBucket = artifacts,
            Notifications = notifications,
            DeployedModelParameter = deployedModel,
            Ledger = Ledger,
        });
        // The component versions must exist before any execution can deploy them.
        Workflow.StateMachine.StateMachine.Node.AddDependency(inference.Resource, prerequisites.Resource);


        var dashboardName = FleetDashboard.NameFor(settings.ResourcePrefix);
        Alarms = new FleetAlarms(Workload, "FleetAlarms", new FleetAlarmsProps
        {
            Metrics = Metrics,
            Notifications = notifications,
            Workflow = Workflow.StateMachine.StateMachine,
            FleetDescription = $"the core devices of thing groups {settings.Edge.CanaryThingGroup} (canary) and {settings.Edge.FleetThingGroup} (fleet)",
            DeployedModelParameterName = contract.EdgeDeployedModelPackage,
            DashboardName = dashboardName,
            NamePrefix = settings.ResourcePrefix,
            Thresholds = new FleetAlarmThresholds { DriftScore = settings.Edge.Drift.Threshold },
            OtherWorkflows =
            [
                new WatchedWorkflow("labeling", StringParameter.ValueForStringParameter(Workload, contract.LabelingStateMachineArn), contract.LabelingStateMachineArn),
                new WatchedWorkflow("training", StringParameter.ValueForStringParameter(Workload, contract.TrainingStateMachineArn), contract.TrainingStateMachineArn),
            ],
        });
        // The other apps' names come from the SSM contract at deploy time, like every cross-app reference.
        Dashboard = new FleetDashboard(Workload, "FleetDashboard", new FleetDashboardProps
        {
            DashboardName = dashboardName,
            Metrics = Metrics,
            Alarms = Alarms,
            Workflow = Workflow.StateMachine.StateMachine,
            WorkflowLog = Workflow.StateMachine.LogGroup,
            ModelPackageGroupName = StringParameter.ValueForStringParameter(Workload, contract.TrainingModelPackageGroupName),
            FeatureGroupName = StringParameter.ValueForStringParameter(Workload, contract.LabelingFeatureGroupName),
            Capture = (StringParameter.ValueForStringParameter(Workload, contract.LabelingDataBucketName), StringParameter.ValueForStringParameter(Workload, contract.LabelingCapturePrefix)),
            DeployedModelParameterName = contract.EdgeDeployedModelPackage,
            ThingGroups = [settings.Edge.CanaryThingGroup, settings.Edge.FleetThingGroup],
            Labeling = (StringParameter.ValueForStringParameter(Workload, contract.LabelingStateMachineArn), StringParameter.ValueForStringParameter(Workload, contract.LabelingWorkflowLogGroupName)),
            Training = (StringParameter.ValueForStringParameter(Workload, contract.TrainingStateMachineArn), StringParameter.ValueForStringParameter(Workload, contract.TrainingWorkflowLogGroupName),
                StringParameter.ValueForStringParameter(Workload, contract.TrainingPipelineName)),
        });

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

        // Every failure notifies, including those no Catch sees (history or payload limits, timeouts, aborts).
        FailureNotification = new ExecutionFailureNotification(Workload, "WorkflowFailureNotification", new ExecutionFailureNotificationProps
        {
            StateMachine = Workflow.StateMachine.StateMachine,
            Topic = notifications,
            WorkflowTitle = "Edge deployment",
        });

        // Last: every key of the stack exists now (CT.KMS.PR.3, grants only for AWS services).
        RestrictKmsGrants();
    }

    public EdgeFleet Fleet { get; }

    public EdgeDeploymentWorkflow Workflow { get; }

    /// <summary>Fleet metrics, queries and worst-device rules from the devices' health messages.</summary>
    public FleetMetrics Metrics { get; }

    /// <summary>The rule reporting failed, timed-out and aborted workflow executions to the topic.</summary>
    public ExecutionFailureNotification FailureNotification { get; }

    public ModelApprovalTrigger Trigger { get; }

    /// <summary>The rule recording drift events in the training app's table.</summary>
    public DriftEventRule DriftEvents { get; }

    /// <summary>The release ledger (lineage of every release).</summary>
    public ReleaseLedger Ledger { get; }

    /// <summary>The fleet alarms, notifying the app's topic.</summary>
    public FleetAlarms Alarms { get; }

    /// <summary>The environment's dashboard.</summary>
    public FleetDashboard Dashboard { get; }

    /// <summary>The component every core device gets first: the .NET runtime and libturbojpeg.</summary>
    public DevicePrerequisitesComponent Prerequisites { get; }

    /// <summary>The digital twin, when <c>edge.digitalTwin.enabled</c>.</summary>
    public DigitalTwin.DigitalTwin? Twin { get; }

    private void Publish(string name, string value, string description) => PublishParameter(name.Split('/')[^1], name, value, description);
}
