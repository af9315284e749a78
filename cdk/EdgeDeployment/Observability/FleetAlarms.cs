using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

/// <summary>Bounds of the fleet alarms. Each default is the documented starting point (docs/observability.md).</summary>
public sealed record FleetAlarmThresholds
{
    /// <summary>Failed frames ÷ all frames on the worst device. Default: 0.05.</summary>
    public double FailedFrameRatio { get; init; } = 0.05;

    /// <summary>Failed uploads ÷ upload attempts on the worst device. Default: 0.2.</summary>
    public double UploadFailureRatio { get; init; } = 0.2;

    /// <summary>Combined drift score (PSI) of the worst device. Default: 0.25 (a significant shift by the usual PSI reading).</summary>
    public double DriftScore { get; init; } = 0.25;

    /// <summary>Width of the anomaly band (standard deviations) for silent devices and latency regression. Default: 3.</summary>
    public double AnomalyBandWidth { get; init; } = 3;

    /// <summary>Consecutive 5-minute periods the capture backlog must grow before the alarm. Default: 6 (30 minutes).</summary>
    public int BacklogGrowthPeriods { get; init; } = 6;
}

/// <summary>Another app's state machine the fleet alarms watch: its short name (<c>labeling</c>), its ARN and the SSM parameter that publishes it (named in the alarm text).</summary>
public sealed record WatchedWorkflow(string Name, string StateMachineArn, string ArnParameterName);

public sealed record FleetAlarmsProps
{
    /// <summary>The fleet metrics, queries and worst-device rules the alarms watch and point to. Required.</summary>
    public required FleetMetrics Metrics { get; init; }

    /// <summary>The app's notification topic; every alarm notifies it on ALARM. Required.</summary>
    public required NotificationTopic Notifications { get; init; }

    /// <summary>The edge deployment workflow; an alarm fires when an execution fails. Required.</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>Who the devices are, for the alarm text (e.g. "thing groups canary and fleet"). Required.</summary>
    public required string FleetDescription { get; init; }

    /// <summary>Where the model version running on the fleet is recorded (the SSM parameter name). Required.</summary>
    public required string DeployedModelParameterName { get; init; }

    /// <summary>Name of the environment's dashboard, for the alarm text. Required.</summary>
    public required string DashboardName { get; init; }

    /// <summary>Alarm name prefix, e.g. <c>edgemlops-dev</c>. Required.</summary>
    public required string NamePrefix { get; init; }

    /// <summary>The other apps' workflows (from the SSM contract), each with an alarm when an execution fails. Default: none.</summary>
    public IReadOnlyList<WatchedWorkflow> OtherWorkflows { get; init; } = [];

    /// <summary>Alarm bounds. Default: <see cref="FleetAlarmThresholds"/> defaults.</summary>
    public FleetAlarmThresholds Thresholds { get; init; } = new();
}

/// <summary>
/// The fleet's alarms, each notifying the app's topic with a description that says which devices, which model
/// version and what to look at (a saved Logs Insights query, a Contributor Insights rule, the dashboard).
/// </summary>
public sealed class FleetAlarms : Construct
{
    private static readonly Duration Period = Duration.Minutes(5);
    private readonly FleetAlarmsProps _props;
    private readonly SnsAction _notify;
    private readonly List<IAlarm> _all = [];

    public FleetAlarms(Construct scope, string id, FleetAlarmsProps props)
        : base(scope, id)
    {
        var t = props.Thresholds;
        var problems = new List<string>();
        if (t.FailedFrameRatio is <= 0 or >= 1) problems.Add($"Thresholds.FailedFrameRatio must be in (0, 1), got {t.FailedFrameRatio}");
        if (t.UploadFailureRatio is <= 0 or >= 1) problems.Add($"Thresholds.UploadFailureRatio must be in (0, 1), got {t.UploadFailureRatio}");
        if (t.DriftScore <= 0) problems.Add($"Thresholds.DriftScore must be > 0, got {t.DriftScore}");
        if (t.AnomalyBandWidth <= 0) problems.Add($"Thresholds.AnomalyBandWidth must be > 0, got {t.AnomalyBandWidth}");
        if (t.BacklogGrowthPeriods is < 1 or > 288) problems.Add($"Thresholds.BacklogGrowthPeriods must be between 1 and 288, got {t.BacklogGrowthPeriods}");
        if (problems.Count > 0)
        {
            throw new ArgumentException($"FleetAlarmsProps: {string.Join("; ", problems)}");
        }

        _props = props;
        _notify = new SnsAction(props.Notifications.Topic);
        var m = props.Metrics;
        var q = m.Queries;

        // Silent longer than the bound: reporting devices fall below what the last two weeks predict, sustained
        // for three periods (15 minutes, at least 3 health intervals when the interval is <= 5 minutes).
        DevicesSilent = AnomalyAlarm("DevicesSilent", "devices-silent", m.DevicesReporting(Period), ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
            "Fewer devices are sending health messages than usual for 15 minutes.",
            $"Which devices: Logs Insights query '{q.Name(FleetQueries.SilentDevices)}' over the last 24 hours (oldest lastSeenMs first); Greengrass core device status in the IoT console.");

        Add(Threshold("FailedFrames", "failed-frames", m.Metric(FleetMetric.FailedFrameRatio, "Maximum", Period), t.FailedFrameRatio, 3,
            $"At least one device fails more than {t.FailedFrameRatio:P0} of its frames (since its component started).",
            $"Which devices: Contributor Insights rule '{m.WorstDevices[1].RuleName}' and query '{q.Name(FleetQueries.FailedFrames)}' (failure reason in lastError); the failures object of the device's health message."));

        LatencyRegression = AnomalyAlarm("LatencyRegression", "latency-regression", m.Metric(FleetMetric.LatencyP95, "p95", Period), ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
            "The fleet's p95 frame latency is above what the last two weeks predict (often a new model or a slower camera).",
            $"Which devices: Contributor Insights rule '{m.WorstDevices[0].RuleName}' and query '{q.Name(FleetQueries.SlowDevices)}'; compare LatencyP95 by ModelVersion on the dashboard.");

        var backlogGrowth = new MathExpression(new MathExpressionProps
        {
            Expression = "RATE(b)",
            UsingMetrics = new Dictionary<string, IMetric> { ["b"] = m.Metric(FleetMetric.CaptureBacklog, "Maximum", Period) },
            Label = "Capture backlog growth per second (worst device)",
            Period = Period,
        });
        Add(Threshold("CaptureBacklogGrowing", "capture-backlog-growing", backlogGrowth, 0, t.BacklogGrowthPeriods,
            $"The largest capture backlog has grown for {t.BacklogGrowthPeriods} periods of 5 minutes in a row: captured frames are not reaching the labeling app.",
            $"Which devices: Contributor Insights rule '{m.WorstDevices[2].RuleName}' and query '{q.Name(FleetQueries.CaptureBacklog)}'; then query '{q.Name(FleetQueries.UploadFailures)}' for the upload error."));

        Add(Threshold("UploadsFailing", "uploads-failing", m.Metric(FleetMetric.UploadFailureRatio, "Maximum", Period), t.UploadFailureRatio, 3,
            $"At least one device fails more than {t.UploadFailureRatio:P0} of its capture uploads.",
            $"Which devices: query '{q.Name(FleetQueries.UploadFailures)}'; capture.lastUploadError in the device's health message (credentials, bucket policy, network)."));

        Add(Threshold("DriftHigh", "drift-high", m.Metric(FleetMetric.DriftScore, "Maximum", Period), t.DriftScore, 3,
            $"At least one device's frames drifted from the training baseline (drift score above {t.DriftScore}).",
            $"Which devices: query '{q.Name(FleetQueries.Drift)}' (per-statistic PSIs: brightness, contrast, sharpness, colour point at the camera; detections, defectRate, confidence at the parts); DriftScore by ThingGroup and ModelVersion on the dashboard. The device captures more frames while drifted; retraining starts with reason drift once they are labeled."));

        Add(Threshold("DevicesErrored", "devices-errored", m.DevicesErrored(Period), 0, 2,
            "At least one device reports its inference component as ERRORED.",
            $"Which devices: query '{q.Name(FleetQueries.DeviceStatus)}' (state ERRORED, lastError); the Greengrass logs of the device."));

        WorkflowFailed = new Alarm(this, "WorkflowFailed", new AlarmProps
        {
            AlarmName = $"{props.NamePrefix}-edge-workflow-failed",
            AlarmDescription = Description("An edge deployment workflow execution failed (the release did not finish; a rollback may have run).",
                "Which execution: the Step Functions console of the edge deployment state machine (failed executions) and its log group; the dashboard's release widget shows the last state entered."),
            Metric = props.Workflow.MetricFailed(new MetricOptions { Period = Period, Statistic = "Sum" }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        Add(WorkflowFailed);

        foreach (var workflow in props.OtherWorkflows)
        {
            Add(new Alarm(this, $"{char.ToUpperInvariant(workflow.Name[0])}{workflow.Name[1..]}WorkflowFailed", new AlarmProps
            {
                AlarmName = $"{props.NamePrefix}-{workflow.Name}-workflow-failed",
                AlarmDescription = Description($"A {workflow.Name} workflow execution failed.",
                    $"Which execution: the Step Functions console of the state machine in SSM parameter {workflow.ArnParameterName} (failed executions) and the {workflow.Name} app's topic, which names the error; the dashboard's {workflow.Name} widgets."),
                Metric = new Metric(new MetricProps
                {
                    Namespace = "AWS/States",
                    MetricName = "ExecutionsFailed",
                    DimensionsMap = new Dictionary<string, string> { ["StateMachineArn"] = workflow.StateMachineArn },
                    Period = Period,
                    Statistic = "Sum",
                }),
                Threshold = 1,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                EvaluationPeriods = 1,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }));
        }
    }

    /// <summary>Every alarm, each notifying the topic.</summary>
    public IReadOnlyList<IAlarm> All => _all;

    public IAlarm DevicesSilent { get; }

    public IAlarm LatencyRegression { get; }

    public Alarm WorkflowFailed { get; }

    private void Add(Alarm alarm)
    {
        alarm.AddAlarmAction(_notify);
        _all.Add(alarm);
    }

    private string Description(string what, string lookAt) =>
        $"{what} Devices: {_props.FleetDescription}; per-device detail is in the fleet health log, not in this fleet-wide metric. " +
        $"Model version: the one in SSM parameter {_props.DeployedModelParameterName}; the ModelVersion dimension of the same metric splits it by version. " +
        $"Look at: {lookAt} Dashboard: {_props.DashboardName}.";

    private Alarm Threshold(string id, string name, IMetric metric, double threshold, int periods, string what, string lookAt) =>
        new(this, id, new AlarmProps
        {
            AlarmName = $"{_props.NamePrefix}-fleet-{name}",
            AlarmDescription = Description(what, lookAt),
            Metric = metric,
            Threshold = threshold,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = periods,
            DatapointsToAlarm = periods,
            // No health message, no data: silence has its own alarm.
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

    // The L2 Alarm of this CDK version has no anomaly detection; the L1 takes the band as a metric expression.
    private IAlarm AnomalyAlarm(string id, string name, IMetric metric, ComparisonOperator comparison, string what, string lookAt)
    {
        var config = metric.ToMetricConfig();
        var queries = new List<CfnAlarm.MetricDataQueryProperty>();
        if (config.MathExpression is { } math)
        {
            foreach (var (key, used) in math.UsingMetrics)
            {
                queries.Add(StatQuery(key, used, returnData: false));
            }

            queries.Add(new CfnAlarm.MetricDataQueryProperty { Id = "value", Expression = math.Expression, Label = name, ReturnData = true });
        }
        else
        {
            queries.Add(StatQuery("value", metric, returnData: true));
        }

        queries.Add(new CfnAlarm.MetricDataQueryProperty
        {
            Id = "band",
            Expression = $"ANOMALY_DETECTION_BAND(value, {_props.Thresholds.AnomalyBandWidth.ToString(System.Globalization.CultureInfo.InvariantCulture)})",
            Label = "Expected range",
            ReturnData = true,
        });
        var alarm = new CfnAlarm(this, id, new CfnAlarmProps
        {
            AlarmName = $"{_props.NamePrefix}-fleet-{name}",
            AlarmDescription = Description(what, lookAt),
            ComparisonOperator = comparison == ComparisonOperator.LESS_THAN_LOWER_THRESHOLD ? "LessThanLowerThreshold" : "GreaterThanUpperThreshold",
            EvaluationPeriods = 3,
            DatapointsToAlarm = 3,
            ThresholdMetricId = "band",
            Metrics = queries.ToArray(),
            // Silence is what the devices-silent alarm is for: no data there is breaching.
            TreatMissingData = comparison == ComparisonOperator.LESS_THAN_LOWER_THRESHOLD ? "breaching" : "notBreaching",
            ActionsEnabled = true,
            AlarmActions = [_props.Notifications.TopicArn],
        });
        var wrapped = Alarm.FromAlarmArn(this, $"{id}Ref", alarm.AttrArn);
        _all.Add(wrapped);
        return wrapped;
    }

    private static CfnAlarm.MetricDataQueryProperty StatQuery(string id, IMetric metric, bool returnData)
    {
        var stat = metric.ToMetricConfig().MetricStat ?? throw new ArgumentException($"{id} must be a metric, not an expression");
        return new CfnAlarm.MetricDataQueryProperty
        {
            Id = id,
            ReturnData = returnData,
            MetricStat = new CfnAlarm.MetricStatProperty
            {
                Metric = new CfnAlarm.MetricProperty
                {
                    Namespace = stat.Namespace,
                    MetricName = stat.MetricName,
                    Dimensions = stat.Dimensions?.Select(d => new CfnAlarm.DimensionProperty { Name = d.Name, Value = (string)d.Value }).ToArray(),
                },
                Period = stat.Period.ToSeconds(),
                Stat = stat.Statistic,
            },
        };
    }
}
