using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

public sealed record FleetMetricsProps
{
    /// <summary>The component topics; the rule listens on every device's health topic. Required.</summary>
    public required ComponentTopics Topics { get; init; }

    /// <summary>The CloudWatch namespace of the fleet metrics, e.g. <c>EdgeMlOps/edgemlops-dev</c>. Required.</summary>
    public required string Namespace { get; init; }

    /// <summary>Prefix of the saved Logs Insights queries and Contributor Insights rules. Required.</summary>
    public required string NamePrefix { get; init; }

    /// <summary>Key that encrypts the fleet health log; must allow the CloudWatch Logs service. Required.</summary>
    public required IKey Key { get; init; }

    /// <summary>Log group for the rule's failed writes (the health store's error log). Required.</summary>
    public required ILogGroup ErrorLog { get; init; }

    /// <summary>Seconds between two health messages of one device (edge.inference.healthIntervalSeconds). Required.</summary>
    public required int HealthIntervalSeconds { get; init; }
}

/// <summary>
/// Fleet metrics from the devices' health messages at a cost that does not grow per device: one IoT rule writes a
/// flat log event with named fields (<see cref="FleetHealthLog"/>) per health message to an encrypted log group,
/// metric filters turn its fields into CloudWatch metrics (fleet-wide and per model version — never per device),
/// and per-device detail stays in the log: saved Logs Insights queries and Contributor Insights rules (worst
/// devices) read it. See docs/observability.md for the choice and its cost.
/// </summary>
public sealed class FleetMetrics : Construct
{
    public const string ModelVersionDimension = "ModelVersion";

    /// <summary>The thing group the device's deployment targeted (canary or fleet), from the health message's <c>thingGroup</c>.</summary>
    public const string ThingGroupDimension = "ThingGroup";

    public FleetMetrics(Construct scope, string id, FleetMetricsProps props)
        : base(scope, id)
    {
        if (props.HealthIntervalSeconds is < 1 or > 3600)
        {
            throw new ArgumentException($"FleetMetricsProps.HealthIntervalSeconds must be between 1 and 3600, got {props.HealthIntervalSeconds}");
        }

        if (string.IsNullOrWhiteSpace(props.Namespace) || props.Namespace.IndexOfAny([':', '*', '$']) >= 0)
        {
            throw new ArgumentException($"FleetMetricsProps.Namespace must be non-empty without ':', '*' or '$', got '{props.Namespace}'");
        }

        Namespace = props.Namespace;
        HealthIntervalSeconds = props.HealthIntervalSeconds;

        LogGroup = new LogGroup(this, "Resource", new LogGroupProps
        {
            EncryptionKey = props.Key,
            Retention = RetentionDays.ONE_YEAR,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        var ruleRole = new Role(this, "RuleRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the fleet metric rule write one log event per device health message",
        });
        ruleRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [LogGroup.LogGroupArn, $"{LogGroup.LogGroupArn}:*", props.ErrorLog.LogGroupArn, $"{props.ErrorLog.LogGroupArn}:*"],
        }));

        Rule = new CfnTopicRule(this, "Rule", new CfnTopicRuleProps
        {
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Writes named fields of every device health message to the fleet health log, the source of the fleet metrics",
                AwsIotSqlVersion = "2016-03-23",
                RuleDisabled = false,
                Sql = FleetHealthLog.Sql(props.Topics.AllHealth),
                Actions = new object[] { LogAction(LogGroup, ruleRole) },
                ErrorAction = LogAction(props.ErrorLog, ruleRole),
            },
        });

        foreach (var metric in FleetMetric.All)
        {
            AddFilter(metric, null);
            AddFilter(metric, (ModelVersionDimension, FleetHealthLog.ModelVersion));
            AddFilter(metric, (ThingGroupDimension, FleetHealthLog.ThingGroup));
        }

        Queries = new FleetQueries(this, "Queries", LogGroup, props.NamePrefix);
        WorstDevices = new[]
        {
            WorstDevicesRule("WorstLatency", $"{props.NamePrefix}-worst-latency", FleetHealthLog.LatencyP95),
            WorstDevicesRule("WorstFailedFrames", $"{props.NamePrefix}-worst-failed-frames", FleetHealthLog.FailedFrameRatio),
            WorstDevicesRule("WorstCaptureBacklog", $"{props.NamePrefix}-worst-capture-backlog", FleetHealthLog.CaptureBacklog),
        };
    }

    public LogGroup LogGroup { get; }

    public CfnTopicRule Rule { get; }

    public string Namespace { get; }

    public int HealthIntervalSeconds { get; }

    /// <summary>Saved Logs Insights queries over the fleet health log.</summary>
    public FleetQueries Queries { get; }

    /// <summary>Contributor Insights rules naming the worst devices (latency, failed frames, capture backlog).</summary>
    public IReadOnlyList<CfnInsightRule> WorstDevices { get; }

    /// <summary>A fleet metric, fleet-wide, for one model version or for one thing group.</summary>
    public Metric Metric(FleetMetric metric, string statistic, Duration period, string? modelVersion = null, string? thingGroup = null) => new(new MetricProps
    {
        Namespace = Namespace,
        MetricName = metric.Name,
        Statistic = statistic,
        Period = period,
        Unit = metric.Unit,
        DimensionsMap = (modelVersion, thingGroup) switch
        {
            (null, null) => null,
            ({ } version, null) => new Dictionary<string, string> { [ModelVersionDimension] = version },
            (null, { } group) => new Dictionary<string, string> { [ThingGroupDimension] = group },
            _ => throw new ArgumentException("a fleet metric has one dimension at most: a model version or a thing group"),
        },
    });

    /// <summary>Devices drifted in each period, computed like <see cref="DevicesReporting"/>.</summary>
    public MathExpression DevicesDrifted(Duration period) => PerDevice(FleetMetric.Drifted, period, "Devices drifted");

    /// <summary>
    /// Devices that sent a health message in each period: messages ÷ (period ÷ health interval). A device that
    /// reported only part of the period counts as that fraction.
    /// </summary>
    public MathExpression DevicesReporting(Duration period) => PerDevice(FleetMetric.Heartbeats, period, "Devices reporting");

    /// <summary>Devices reporting ERRORED in each period, computed like <see cref="DevicesReporting"/>.</summary>
    public MathExpression DevicesErrored(Duration period) => PerDevice(FleetMetric.Errored, period, "Devices ERRORED");

    /// <summary>Devices reporting per model version (a SEARCH over the ModelVersion dimension; dashboards only).</summary>
    public MathExpression DevicesPerModelVersion(Duration period) => new(new MathExpressionProps
    {
        Expression = $"SEARCH('{{{Namespace},{ModelVersionDimension}}} MetricName=\"{FleetMetric.Heartbeats.Name}\"', 'Sum', {period.ToSeconds()}) / {MessagesPerDevice(period)}",
        Label = "Devices per model version",
        Period = period,
    });

    // Ids must be unique across one graph or alarm, so each takes its metric's name.
    private MathExpression PerDevice(FleetMetric metric, Duration period, string label) => new(new MathExpressionProps
    {
        Expression = $"{metric.Name.ToLowerInvariant()} / {MessagesPerDevice(period)}",
        UsingMetrics = new Dictionary<string, IMetric> { [metric.Name.ToLowerInvariant()] = Metric(metric, "Sum", period) },
        Label = label,
        Period = period,
    });

    private string MessagesPerDevice(Duration period) =>
        (period.ToSeconds() / (double)HealthIntervalSeconds).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static CfnTopicRule.ActionProperty LogAction(ILogGroup logGroup, IRole role) => new()
    {
        CloudwatchLogs = new CfnTopicRule.CloudwatchLogsActionProperty { LogGroupName = logGroup.LogGroupName, RoleArn = role.RoleArn },
    };

    private void AddFilter(FleetMetric metric, (string Name, string LogField)? dimension)
    {
        var field = $"$.{metric.LogField}";
        _ = new MetricFilter(this, dimension is { } d ? $"{metric.Name}By{d.Name}" : metric.Name, new MetricFilterProps
        {
            LogGroup = LogGroup,
            // Every value is >= 0; a log event without the field (Undefined in the rule) publishes nothing.
            FilterPattern = FilterPattern.NumberValue(field, ">=", 0),
            MetricNamespace = Namespace,
            MetricName = metric.Name,
            MetricValue = field,
            Unit = metric.Unit,
            // An event without the dimension's field (a device not yet deployed by the workflow has no thing group) publishes nothing to that filter.
            Dimensions = dimension is { } dim ? new Dictionary<string, string> { [dim.Name] = $"$.{dim.LogField}" } : null,
        });
    }

    private CfnInsightRule WorstDevicesRule(string id, string name, string field) => new(this, id, new CfnInsightRuleProps
    {
        RuleName = name,
        RuleState = "ENABLED",
        RuleBody = Stack.Of(this).ToJsonString(new Dictionary<string, object>
        {
            ["Schema"] = new Dictionary<string, object> { ["Name"] = "CloudWatchLogRule", ["Version"] = 1 },
            ["LogGroupNames"] = new object[] { LogGroup.LogGroupName },
            ["LogFormat"] = "JSON",
            ["Contribution"] = new Dictionary<string, object>
            {
                ["Keys"] = new object[] { $"$.{FleetHealthLog.ThingName}", $"$.{FleetHealthLog.ModelVersion}" },
                ["ValueOf"] = $"$.{field}",
                ["Filters"] = Array.Empty<object>(),
            },
            ["AggregateOn"] = "Max",
        }),
    });
}
