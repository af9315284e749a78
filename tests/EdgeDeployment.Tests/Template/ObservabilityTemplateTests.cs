using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.EdgeDeployment.Observability;
using EdgeMlOps.Contracts;
using Xunit;

namespace EdgeDeployment.Tests.Template;

[Collection(EdgeStageCollection.Name)]
public sealed partial class ObservabilityTemplateTests
{
    private static readonly string[] AlarmNames =
    [
        "edgemlops-dev-fleet-devices-silent",
        "edgemlops-dev-fleet-failed-frames",
        "edgemlops-dev-fleet-latency-regression",
        "edgemlops-dev-fleet-capture-backlog-growing",
        "edgemlops-dev-fleet-uploads-failing",
        "edgemlops-dev-fleet-drift-high",
        "edgemlops-dev-fleet-devices-errored",
        "edgemlops-dev-edge-workflow-failed",
        "edgemlops-dev-labeling-workflow-failed",
        "edgemlops-dev-training-workflow-failed",
    ];

    private readonly EdgeStageFixture _stage;

    public ObservabilityTemplateTests(EdgeStageFixture stage) => _stage = stage;

    public static TheoryData<bool> Environments => [false, true];

    private JsonObject Template(bool twin) => twin ? _stage.TwinTemplateJson : _stage.TemplateJson;

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_environment_has_its_fleet_dashboard_with_every_alarm_and_the_release_widgets(bool twin)
    {
        var dashboard = Assert.Single(EdgeStageFixture.Resources(Template(twin), "AWS::CloudWatch::Dashboard")).Resource;
        Assert.Equal("edgemlops-dev-fleet", dashboard["Properties"]!["DashboardName"]!.GetValue<string>());
        var body = EdgeStageFixture.Text(dashboard["Properties"]!["DashboardBody"]);

        foreach (var metric in FleetMetric.All.Where(m => m != FleetMetric.Heartbeats && m != FleetMetric.Errored))
        {
            Assert.Contains($"\"{metric.Name}\"", body);
        }

        Assert.Contains("SEARCH(", body);
        Assert.Contains("Release phase: last states entered", body);
        Assert.Contains("/states/home?region=", body);
        Assert.Contains("Model package group", body);
        Assert.Contains("\"type\":\"alarm\"", body);
        // Defect rate and drift per thing group, the labeling and training panels.
        Assert.Contains("Drift score by thing group", body);
        Assert.Contains("Defect rate by thing group", body);
        Assert.Contains("\"ThingGroup\",\"edgemlops-dev-canary\"", body);
        Assert.Contains("\"ThingGroup\",\"edgemlops-dev-fleet\"", body);
        Assert.Contains("Devices drifted", body);
        Assert.Contains("Labeling: last jobs and backlog notices", body);
        Assert.Contains("createLabelingJob", body);
        Assert.Contains("Training: last executions, their metrics and trigger", body);
        Assert.Contains("AWS/Sagemaker/ModelBuildingPipeline", body);
        Assert.Contains("\"AWS/States\",\"ExecutionsFailed\",\"StateMachineArn\"", body);
    }

    [Fact]
    public void Labeling_and_training_workflow_alarms_watch_the_state_machines_named_in_the_ssm_contract()
    {
        var template = _stage.TemplateJson;
        var alarms = EdgeStageFixture.Resources(template, "AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!.AsObject())
            .Where(a => a["AlarmName"]!.GetValue<string>() is "edgemlops-dev-labeling-workflow-failed" or "edgemlops-dev-training-workflow-failed").ToList();
        var parameters = template["Parameters"]!.AsObject();

        Assert.Equal(2, alarms.Count);
        foreach (var alarm in alarms)
        {
            Assert.Equal("AWS/States", alarm["Namespace"]!.GetValue<string>());
            Assert.Equal("ExecutionsFailed", alarm["MetricName"]!.GetValue<string>());
            var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
            Assert.Equal("StateMachineArn", dimension["Name"]!.GetValue<string>());
            var parameter = dimension["Value"]!["Ref"]!.GetValue<string>();
            var ssmName = parameters[parameter]!["Default"]!.GetValue<string>();
            var app = alarm["AlarmName"]!.GetValue<string>().Contains("labeling", StringComparison.Ordinal) ? "labeling" : "training";
            Assert.Equal($"/edgemlops/dev/{app}/state-machine-arn", ssmName);
        }
    }

    [Fact]
    public void Drift_event_rule_writes_named_fields_of_drifted_health_messages_to_the_training_apps_table()
    {
        var rule = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::TopicRule"),
            r => r.Resource["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>().Contains("WHERE drift.drifted = true", StringComparison.Ordinal)).Resource;
        var payload = rule["Properties"]!["TopicRulePayload"]!;
        var sql = payload["Sql"]!.GetValue<string>();

        Assert.DoesNotContain("*", sql);
        Assert.EndsWith("FROM 'edgemlops/+/inference/health' WHERE drift.drifted = true", sql);
        foreach (var field in new[] { DriftEventsSchema.PartitionKey, DriftEventsSchema.DriftAt, DriftEventsSchema.Score, DriftEventsSchema.ModelComponentVersion, DriftEventsSchema.ThingGroup, DriftEventsSchema.DriftedSince })
        {
            Assert.Contains($" AS {field}", sql);
        }

        var table = payload["Actions"]![0]!["DynamoDBv2"]!["PutItem"]!["TableName"]!;
        var parameter = table["Ref"]!.GetValue<string>();
        Assert.Equal("/edgemlops/dev/training/drift-events-table-name", _stage.TemplateJson["Parameters"]![parameter]!["Default"]!.GetValue<string>());
        // Every path the rule reads is in the health message the component publishes.
        var message = JsonNode.Parse(new HealthMessage
        {
            Model = new HealthModel { ComponentVersion = "1.0.4" },
            ThingGroup = "edgemlops-dev-canary",
            Drift = new HealthDrift { Score = 0.4, Threshold = 0.25, Drifted = true, CaptureBoostUntil = DateTime.UtcNow, DriftedSince = DateTime.UtcNow, Statistics = new Dictionary<string, double> { ["brightness"] = 0.4 } },
        }.ToJsonBytes())!;
        foreach (var path in new[] { "drift.score", "drift.threshold", "drift.statistics", "drift.captureBoostUntil", "drift.driftedSince", "drift.drifted", "model.componentVersion", "thingGroup" })
        {
            Assert.True(Read(message, path) is not null, path);
        }
    }

    [Fact]
    public void Drift_alarm_threshold_is_the_configured_drift_threshold()
    {
        var drift = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!)
            .Single(a => a["AlarmName"]!.GetValue<string>() == "edgemlops-dev-fleet-drift-high");

        Assert.Equal(_stage.Settings.Edge.Drift.Threshold, drift["Threshold"]!.GetValue<double>());
        Assert.Equal(InferenceConfiguration.Defaults.DriftThreshold, _stage.Settings.Edge.Drift.Threshold);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_alarm_exists_and_notifies_the_app_topic_with_context(bool twin)
    {
        var template = Template(twin);
        var topicId = Assert.Single(EdgeStageFixture.Resources(template, "AWS::SNS::Topic")).Id;
        var alarms = EdgeStageFixture.Resources(template, "AWS::CloudWatch::Alarm")
            .ToDictionary(a => a.Resource["Properties"]!["AlarmName"]!.GetValue<string>(), a => a.Resource["Properties"]!.AsObject());

        Assert.Equal(AlarmNames.Order(), alarms.Keys.Order());
        foreach (var (name, alarm) in alarms)
        {
            var actions = EdgeStageFixture.List(alarm["AlarmActions"]).Select(a => a!.ToJsonString()).ToList();
            Assert.True(actions.Count == 1 && actions[0].Contains($"\"Ref\":\"{topicId}\"", StringComparison.Ordinal), $"{name} notifies {string.Join(", ", actions)}");
            Assert.NotEqual(false, alarm["ActionsEnabled"]?.GetValue<bool>());
            var description = alarm["AlarmDescription"]!.GetValue<string>();
            Assert.Contains("Devices: the core devices of thing groups edgemlops-dev-canary", description);
            Assert.Contains("Model version: the one in SSM parameter /edgemlops/dev/edge/deployed-model-package", description);
            Assert.Contains("Look at: ", description);
            Assert.Contains("Dashboard: edgemlops-dev-fleet", description);
        }
    }

    [Fact]
    public void Fleet_alarm_descriptions_name_a_saved_query_that_exists()
    {
        var queries = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::Logs::QueryDefinition")
            .Select(q => q.Resource["Properties"]!["Name"]!.GetValue<string>()).ToHashSet();
        var fleetAlarms = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::CloudWatch::Alarm")
            .Select(a => a.Resource["Properties"]!)
            .Where(a => a["AlarmName"]!.GetValue<string>().Contains("-fleet-", StringComparison.Ordinal));

        Assert.Equal(8, queries.Count);
        foreach (var alarm in fleetAlarms)
        {
            var named = QueryName().Matches(alarm["AlarmDescription"]!.GetValue<string>()).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(named);
            Assert.All(named, n => Assert.Contains(n, queries));
        }
    }

    [Fact]
    public void Metric_rule_selects_only_named_fields_of_the_health_topic_into_the_fleet_log()
    {
        var rule = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::TopicRule"),
            r => r.Resource["Properties"]!["TopicRulePayload"]!["Actions"]![0]!["CloudwatchLogs"] is not null).Resource;
        var sql = rule["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>();

        Assert.StartsWith("SELECT ", sql);
        Assert.DoesNotContain("*", sql);
        Assert.EndsWith("FROM 'edgemlops/+/inference/health'", sql);
        foreach (var field in FleetHealthLog.Fields)
        {
            Assert.Contains($"{field.Expression} AS {field.Name}", sql);
        }

        Assert.Equal(FleetHealthLog.Fields.Count, FleetHealthLog.Fields.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void Every_field_the_metric_rule_reads_is_in_the_health_message_the_component_publishes()
    {
        // The contract type the component serialises (contracts/EdgeMlOps.Contracts), with every member set.
        var message = JsonNode.Parse(new HealthMessage
        {
            ThingName = "thing-1",
            State = ComponentStates.Running,
            UptimeSeconds = 60,
            Model = new HealthModel { ComponentVersion = "1.0.4", PackageVersion = "12", Loaded = true, LastError = "none" },
            Frames = new HealthFrames { Processed = 10, Failed = 1, Published = 10, Detections = 3, WithDetections = 2, MeanConfidence = 0.7 },
            ThingGroup = "edgemlops-dev-canary",
            Drift = new HealthDrift
            {
                Score = 0.3,
                Statistics = DriftStatistics.All.ToDictionary(s => s, _ => 0.1),
                WindowFrames = 600,
                Threshold = 0.25,
                Drifted = true,
                CaptureBoostUntil = new DateTime(2026, 12, 6, 1, 0, 0, DateTimeKind.Utc),
            },
            Capture = new HealthCapture { Backlog = 2, Uploaded = 1, UploadFailures = 1, Dropped = 0 },
            LatencyMs = new HealthLatency { WindowFrames = 10, P50 = 5, P95 = 9, InferenceP50 = 3, InferenceP95 = 4 },
        }.ToJsonBytes())!;

        var produced = FleetHealthLog.Fields.Where(f => f.Produced).SelectMany(f => f.MessagePaths).Distinct().ToList();
        var missing = produced.Where(path => Read(message, path) is null && !HoldsNull(message, path)).ToList();
        var planned = FleetHealthLog.Fields.Where(f => !f.Produced).SelectMany(f => f.MessagePaths).Except(produced).ToList();

        Assert.Empty(missing);
        Assert.NotEmpty(produced);
        // A planned field that the component starts sending must be marked produced (and its metric documented).
        Assert.All(planned, path => Assert.Null(Read(message, path)));
    }

    [Fact]
    public void Metric_filters_publish_each_metric_fleet_wide_per_model_version_and_per_thing_group_never_per_device()
    {
        var filters = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::Logs::MetricFilter")
            .Select(f => f.Resource["Properties"]!["MetricTransformations"]![0]!.AsObject())
            .ToList();

        Assert.Equal(FleetMetric.All.Count * 3, filters.Count);
        Assert.All(filters, f => Assert.Equal("EdgeMlOps/edgemlops-dev", f["MetricNamespace"]!.GetValue<string>()));
        foreach (var metric in FleetMetric.All)
        {
            var mine = filters.Where(f => f["MetricName"]!.GetValue<string>() == metric.Name).ToList();
            Assert.Equal(3, mine.Count);
            Assert.All(mine, f => Assert.Equal($"$.{metric.LogField}", f["MetricValue"]!.GetValue<string>()));
            var dimensions = mine.Select(f => f["Dimensions"]?.ToJsonString() ?? "none").Order(StringComparer.Ordinal).ToList();
            Assert.Equal(
                ["[{\"Key\":\"ModelVersion\",\"Value\":\"$.modelVersion\"}]", "[{\"Key\":\"ThingGroup\",\"Value\":\"$.thingGroup\"}]", "none"],
                dimensions);
        }

        Assert.Contains(FleetMetric.All, m => FleetHealthLog.Fields.Single(f => f.Name == m.LogField) is not null);
    }

    [Fact]
    public void Fleet_health_log_is_encrypted_kept_a_year_and_ranked_by_contributor_insights()
    {
        var rules = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::CloudWatch::InsightRule").ToList();
        Assert.Equal(3, rules.Count);
        foreach (var (_, rule) in rules)
        {
            var body = JsonNode.Parse(EdgeStageFixture.Text(rule["Properties"]!["RuleBody"]).Replace("{token}", "log", StringComparison.Ordinal))!;
            Assert.Equal("[\"$.thingName\",\"$.modelVersion\"]", body["Contribution"]!["Keys"]!.ToJsonString());
            Assert.Equal("Max", body["AggregateOn"]!.GetValue<string>());
        }

        var logGroup = _stage.Stage.Metrics.LogGroup.Node.DefaultChild as Amazon.CDK.AWS.Logs.CfnLogGroup;
        Assert.NotNull(logGroup);
        var resource = Template(false)["Resources"]![_stage.Stage.Workload.GetLogicalId(logGroup!)]!["Properties"]!;
        Assert.Equal(365, resource["RetentionInDays"]!.GetValue<int>());
        Assert.NotNull(resource["KmsKeyId"]);
    }

    [Fact]
    public void Release_ledger_keeps_one_record_per_package_version_encrypted_recoverable_and_without_expiry()
    {
        var table = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::DynamoDB::Table"),
            t => t.Resource["Properties"]!["KeySchema"]!.ToJsonString().Contains("modelPackageGroupName", StringComparison.Ordinal)).Resource;
        var properties = table["Properties"]!;

        Assert.Equal("""[{"AttributeName":"modelPackageGroupName","KeyType":"HASH"},{"AttributeName":"modelPackageVersion","KeyType":"RANGE"}]""", properties["KeySchema"]!.ToJsonString());
        Assert.Contains("""{"AttributeName":"modelPackageVersion","AttributeType":"N"}""", properties["AttributeDefinitions"]!.ToJsonString());
        Assert.Null(properties["TimeToLiveSpecification"]);
        Assert.True(properties["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.GetValue<bool>());
        Assert.Equal("KMS", properties["SSESpecification"]!["SSEType"]!.GetValue<string>());
        Assert.True(properties["DeletionProtectionEnabled"]!.GetValue<bool>());
        Assert.Equal("Retain", table["DeletionPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void Notification_key_lets_cloudwatch_alarms_publish()
    {
        var keys = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::KMS::Key")
            .Where(k => k.Resource["Properties"]!["Description"]!.GetValue<string>().Contains("notification topic", StringComparison.Ordinal));
        var policy = Assert.Single(keys).Resource["Properties"]!["KeyPolicy"]!.ToJsonString();

        Assert.Contains("cloudwatch.amazonaws.com", policy);
    }

    [Fact]
    public void Fails_if_an_alarm_threshold_is_out_of_range()
    {
        var app = new Amazon.CDK.App();
        var stack = new Amazon.CDK.Stack(app, "S");
        var error = Assert.Throws<ArgumentException>(() => new FleetAlarms(stack, "A", new FleetAlarmsProps
        {
            Metrics = _stage.Stage.Metrics,
            Notifications = null!,
            Workflow = _stage.Stage.Workflow.StateMachine.StateMachine,
            FleetDescription = "x",
            DeployedModelParameterName = "p",
            DashboardName = "d",
            NamePrefix = "n",
            Thresholds = new FleetAlarmThresholds { FailedFrameRatio = 1.5, BacklogGrowthPeriods = 0 },
        }));

        Assert.Contains("Thresholds.FailedFrameRatio must be in (0, 1), got 1.5", error.Message);
        Assert.Contains("Thresholds.BacklogGrowthPeriods must be between 1 and 288, got 0", error.Message);
    }

    private static JsonNode? Read(JsonNode node, string path) =>
        path.Split('.').Aggregate<string, JsonNode?>(node, (n, part) => n?[part]);

    private static bool HoldsNull(JsonNode node, string path)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate<string, JsonNode?>(node, (n, part) => n?[part]) as JsonObject;
        return parent is not null && parent.ContainsKey(parts[^1]);
    }

    [GeneratedRegex("query '([^']+)'")]
    private static partial Regex QueryName();
}
