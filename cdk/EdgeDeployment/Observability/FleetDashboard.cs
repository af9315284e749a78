using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

public sealed record FleetDashboardProps
{
    /// <summary>Dashboard name, e.g. <c>edgemlops-dev-fleet</c>. Required.</summary>
    public required string DashboardName { get; init; }

    /// <summary>The fleet metrics and queries. Required.</summary>
    public required FleetMetrics Metrics { get; init; }

    /// <summary>The alarms shown in the status widget. Required.</summary>
    public required FleetAlarms Alarms { get; init; }

    /// <summary>The edge deployment workflow. Required.</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>The workflow's execution log (Step Functions logging at level ALL). Required.</summary>
    public required ILogGroup WorkflowLog { get; init; }

    /// <summary>The training app's model package group name (from the SSM contract). Required.</summary>
    public required string ModelPackageGroupName { get; init; }

    /// <summary>The labeling app's feature group name (from the SSM contract). Required.</summary>
    public required string FeatureGroupName { get; init; }

    /// <summary>The labeling app's data bucket and capture prefix (from the SSM contract). Required.</summary>
    public required (string Bucket, string Prefix) Capture { get; init; }

    /// <summary>SSM parameter holding the model package and component versions on the fleet. Required.</summary>
    public required string DeployedModelParameterName { get; init; }

    /// <summary>Thing groups of the per-thing-group graphs (canary, fleet). Required.</summary>
    public required IReadOnlyList<string> ThingGroups { get; init; }

    /// <summary>The labeling workflow's ARN and execution log group (from the SSM contract). Required.</summary>
    public required (string StateMachineArn, string LogGroupName) Labeling { get; init; }

    /// <summary>The training workflow's ARN, execution log group and SageMaker pipeline name (from the SSM contract). Required.</summary>
    public required (string StateMachineArn, string LogGroupName, string PipelineName) Training { get; init; }
}

/// <summary>
/// One CloudWatch dashboard per environment, in the edge app: the release (workflow executions, last states
/// entered), the fleet (devices reporting and per model version, throughput, failed frames, latency, capture
/// backlog, uploads, defect rate, confidence, drift), the alarms, and links to the state machine, the model
/// package group and the labeling app's data, whose names come from the SSM contract.
/// </summary>
public sealed class FleetDashboard : Construct
{
    private static readonly Duration Period = Duration.Minutes(5);

    /// <summary>The dashboard name of an environment (<c>&lt;prefix&gt;-fleet</c>), also linked from the approval e-mail.</summary>
    public static string NameFor(string resourcePrefix) => $"{resourcePrefix}-fleet";

    public FleetDashboard(Construct scope, string id, FleetDashboardProps props)
        : base(scope, id)
    {
        var m = props.Metrics;
        var region = Stack.Of(this).Region;
        var console = $"https://{region}.console.aws.amazon.com";
        Dashboard = new Dashboard(this, "Resource", new DashboardProps
        {
            DashboardName = props.DashboardName,
            DefaultInterval = Duration.Hours(24),
        });

        Dashboard.AddWidgets(new TextWidget(new TextWidgetProps
        {
            Width = 24,
            Height = 4,
            Markdown = string.Join("\n", [
                $"# Edge fleet — {props.DashboardName}",
                $"[Edge deployment workflow]({console}/states/home?region={region}#/statemachines/view/{props.Workflow.StateMachineArn}) · " +
                $"[Model package group {props.ModelPackageGroupName}]({console}/sagemaker/home?region={region}#/model-packages/{props.ModelPackageGroupName}) · " +
                $"[Deployed model (SSM {props.DeployedModelParameterName})]({console}/systems-manager/parameters/?region={region}&tab=Table) · " +
                $"[Feature group {props.FeatureGroupName}]({console}/sagemaker/home?region={region}#/feature-store) · " +
                $"[Captured frames](https://s3.console.aws.amazon.com/s3/buckets/{props.Capture.Bucket}?region={region}&prefix={props.Capture.Prefix})",
                $"Per-device detail: Logs Insights saved queries `{m.Queries.Name("*")}` on the fleet health log; worst devices: Contributor Insights rules {string.Join(", ", m.WorstDevices.Select(r => $"`{r.RuleName}`"))}.",
            ]),
        }));

        Dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Release: workflow executions",
                Width = 8,
                Left = [
                    props.Workflow.MetricStarted(new MetricOptions { Period = Period, Statistic = "Sum" }),
                    props.Workflow.MetricSucceeded(new MetricOptions { Period = Period, Statistic = "Sum" }),
                    props.Workflow.MetricFailed(new MetricOptions { Period = Period, Statistic = "Sum" }),
                ],
            }),
            new LogQueryWidget(new LogQueryWidgetProps
            {
                Title = "Release phase: last states entered",
                Width = 16,
                LogGroupNames = [props.WorkflowLog.LogGroupName],
                QueryLines = [
                    "fields @timestamp, execution_arn, details.name as state",
                    "filter type like /StateEntered/",
                    "sort @timestamp desc",
                    "limit 20",
                ],
            }));

        Dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Devices reporting / ERRORED",
                Width = 8,
                Left = [m.DevicesReporting(Period), m.DevicesErrored(Period)],
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Devices per model version",
                Width = 8,
                Left = [m.DevicesPerModelVersion(Period)],
            }),
            new LogQueryWidget(new LogQueryWidgetProps
            {
                Title = "Model version per device (latest)",
                Width = 8,
                LogGroupNames = [m.LogGroup.LogGroupName],
                QueryString = m.Queries.Texts[FleetQueries.ModelVersions],
            }));

        Dashboard.AddWidgets(
            Graph("Throughput (frames/s per device)", m.Metric(FleetMetric.FramesPerSecond, "Average", Period), m.Metric(FleetMetric.FramesPerSecond, "Minimum", Period)),
            Graph("Failed-frame ratio", m.Metric(FleetMetric.FailedFrameRatio, "Average", Period), m.Metric(FleetMetric.FailedFrameRatio, "Maximum", Period)),
            Graph("Latency p95 (ms)", m.Metric(FleetMetric.LatencyP95, "p50", Period), m.Metric(FleetMetric.LatencyP95, "p95", Period), m.Metric(FleetMetric.LatencyP95, "Maximum", Period)));

        Dashboard.AddWidgets(
            Graph("Capture backlog (frames)", m.Metric(FleetMetric.CaptureBacklog, "Average", Period), m.Metric(FleetMetric.CaptureBacklog, "Maximum", Period)),
            Graph("Upload failure ratio", m.Metric(FleetMetric.UploadFailureRatio, "Average", Period), m.Metric(FleetMetric.UploadFailureRatio, "Maximum", Period)),
            Graph("Defect rate and detections per frame", m.Metric(FleetMetric.DefectRate, "Average", Period), m.Metric(FleetMetric.DetectionsPerFrame, "Average", Period)));

        Dashboard.AddWidgets(
            Graph("Mean confidence", m.Metric(FleetMetric.MeanConfidence, "Average", Period), m.Metric(FleetMetric.MeanConfidence, "Minimum", Period)),
            Graph("Drift score", m.Metric(FleetMetric.DriftScore, "Average", Period), m.Metric(FleetMetric.DriftScore, "Maximum", Period)),
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Width = 8, Alarms = props.Alarms.All.ToArray() }));

        // Per thing group: the canary and the fleet side by side (the health message's thingGroup).
        Dashboard.AddWidgets(
            Graph("Drift score by thing group (worst device)", [.. props.ThingGroups.Select(g => m.Metric(FleetMetric.DriftScore, "Maximum", Period, thingGroup: g))]),
            Graph("Defect rate by thing group", [.. props.ThingGroups.Select(g => m.Metric(FleetMetric.DefectRate, "Average", Period, thingGroup: g))]),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Devices drifted",
                Width = 8,
                Left = [m.DevicesDrifted(Period)],
            }));

        // Labeling and training: the other apps' workflows, named in the SSM contract.
        Dashboard.AddWidgets(
            Graph("Labeling workflow executions", [.. Executions(props.Labeling.StateMachineArn)]),
            new LogQueryWidget(new LogQueryWidgetProps
            {
                Title = "Labeling: last jobs and backlog notices",
                Width = 16,
                LogGroupNames = [props.Labeling.LogGroupName],
                QueryLines = [
                    "fields @timestamp, execution_arn, details.resource as call",
                    "filter type = \"TaskScheduled\" and (details.resource = \"createLabelingJob\" or details.resource = \"publish\")",
                    "parse details.parameters /\"LabelingJobName\":\"(?<labelingJob>[^\"]+)\"/",
                    "parse details.parameters /\"Subject\":\"(?<notice>[^\"]+)\"/",
                    "display @timestamp, labelingJob, notice, execution_arn",
                    "sort @timestamp desc",
                    "limit 20",
                ],
            }));
        Dashboard.AddWidgets(
            Graph("Training workflow and pipeline executions", [
                .. Executions(props.Training.StateMachineArn),
                .. new[] { "ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed" }.Select(name => new Metric(new MetricProps
                {
                    Namespace = "AWS/Sagemaker/ModelBuildingPipeline",
                    MetricName = name,
                    DimensionsMap = new Dictionary<string, string> { ["PipelineName"] = props.Training.PipelineName },
                    Period = Period,
                    Statistic = "Sum",
                    Label = $"Pipeline {name}",
                })),
            ]),
            new LogQueryWidget(new LogQueryWidgetProps
            {
                Title = "Training: last executions, their metrics and trigger",
                Width = 16,
                LogGroupNames = [props.Training.LogGroupName],
                QueryLines = [
                    "fields @timestamp, execution_arn",
                    "filter type = \"TaskScheduled\" and details.resource = \"publish\"",
                    "parse details.parameters /\"Subject\":\"(?<subject>[^\"]+)\"/",
                    "parse details.parameters /mAP50 (?<map50>[0-9.]+)/",
                    "parse details.parameters /Trigger: (?<trigger>[a-z -]+)/",
                    "display @timestamp, subject, map50, trigger, execution_arn",
                    "sort @timestamp desc",
                    "limit 10",
                ],
            }));
    }

    private static IEnumerable<IMetric> Executions(string stateMachineArn) =>
        new[] { "ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed" }.Select(name => (IMetric)new Metric(new MetricProps
        {
            Namespace = "AWS/States",
            MetricName = name,
            DimensionsMap = new Dictionary<string, string> { ["StateMachineArn"] = stateMachineArn },
            Period = Period,
            Statistic = "Sum",
            Label = name,
        }));

    public Dashboard Dashboard { get; }

    private static GraphWidget Graph(string title, params IMetric[] metrics) => new(new GraphWidgetProps
    {
        Title = title,
        Width = 8,
        Left = metrics.Select(metric => metric is Metric plain ? plain.With(new MetricOptions { Label = $"{plain.MetricName} {plain.Statistic}" }) : metric).ToArray(),
    });
}
