using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Template;

[Collection(EdgeStageCollection.Name)]
public sealed class EdgeStageTemplateTests
{
    private readonly EdgeStageFixture _stage;

    public EdgeStageTemplateTests(EdgeStageFixture stage) => _stage = stage;

    [Fact]
    public void Creates_static_canary_and_fleet_thing_groups_named_from_the_configuration()
    {
        _stage.Template.HasResourceProperties("AWS::IoT::ThingGroup", new Dictionary<string, object> { ["ThingGroupName"] = _stage.Settings.Edge.CanaryThingGroup });
        _stage.Template.HasResourceProperties("AWS::IoT::ThingGroup", new Dictionary<string, object> { ["ThingGroupName"] = _stage.Settings.Edge.FleetThingGroup });
        _stage.Template.ResourceCountIs("AWS::IoT::ThingGroup", 2);
    }

    [Fact]
    public void Core_device_policy_is_scoped_to_the_connected_thing_and_its_component_topics()
    {
        var policy = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::Policy")).Resource;
        var document = policy["Properties"]!["PolicyDocument"]!.AsObject();

        Assert.Empty(IotPolicyScope.Problems(document));
        var resources = EdgeStageFixture.List(document["Statement"]).SelectMany(s => EdgeStageFixture.List(s!["Resource"])).Select(EdgeStageFixture.Text).ToList();
        Assert.Contains(resources, r => r.EndsWith($":topic/edgemlops/{IotPolicyScope.ThingVariable}/inference/health", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.EndsWith($":topic/edgemlops/{IotPolicyScope.ThingVariable}/inference/results", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.EndsWith($":client/{IotPolicyScope.ThingVariable}", StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_scope_check_flags_wildcards_and_other_things_topics()
    {
        var bad = JsonNode.Parse("""
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "All", "Effect": "Allow", "Action": ["iot:*", "greengrass:*"], "Resource": "*"},
              {"Sid": "AnyTopic", "Effect": "Allow", "Action": "iot:Publish", "Resource": "arn:aws:iot:eu-west-1:1:topic/edgemlops/*"}]}
            """)!.AsObject();

        var problems = IotPolicyScope.Problems(bad);

        Assert.Contains("All: wildcard action iot:*", problems);
        Assert.Contains("All: wildcard action greengrass:*", problems);
        Assert.Contains(problems, p => p.StartsWith("AnyTopic: iot:Publish on arn:aws:iot:eu-west-1:1:topic/edgemlops/*", StringComparison.Ordinal));
    }

    [Fact]
    public void Token_exchange_role_reads_model_artifacts_writes_only_the_capture_prefix_and_greengrass_logs()
    {
        var role = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Role")
            .Single(r => r.Resource["Properties"]!["AssumeRolePolicyDocument"]!.ToJsonString().Contains("credentials.iot.amazonaws.com", StringComparison.Ordinal));
        var statements = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(role.Id, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .OfType<JsonObject>()
            .Select(s => (Actions: EdgeStageFixture.List(s["Action"]).Select(a => a!.GetValue<string>()).ToList(), Resources: EdgeStageFixture.List(s["Resource"]).Select(EdgeStageFixture.Text).ToList()))
            .ToList();

        Assert.NotEmpty(statements);
        Assert.DoesNotContain(statements, s => s.Actions.Any(a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal)));
        var writes = statements.Where(s => s.Actions.Any(a => a.StartsWith("s3:Put", StringComparison.Ordinal) || a.StartsWith("s3:Delete", StringComparison.Ordinal))).ToList();
        var capture = Assert.Single(writes);
        Assert.Equal(["s3:PutObject"], capture.Actions);
        Assert.All(capture.Resources, r => Assert.EndsWith("*", r));
        var s3Reads = statements.Where(s => s.Actions.Any(a => a.StartsWith("s3:GetObject", StringComparison.Ordinal))).SelectMany(s => s.Resources).ToList();
        Assert.Contains(s3Reads, r => r.EndsWith("/models/*", StringComparison.Ordinal));
        Assert.DoesNotContain(s3Reads, r => r == "*" || r.EndsWith(":::*", StringComparison.Ordinal));
        var logs = Assert.Single(statements, s => s.Actions.Any(a => a.StartsWith("logs:", StringComparison.Ordinal)));
        Assert.All(logs.Resources, r => Assert.Contains(":log-group:/aws/greengrass/", r));
        _stage.Template.HasResourceProperties("AWS::IoT::RoleAlias", new Dictionary<string, object> { ["RoleAlias"] = "edgemlops-dev-edge-tes" });
    }

    [Fact]
    public void Health_rule_keeps_the_latest_heartbeat_of_each_device_from_the_component_health_topic()
    {
        var rule = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::TopicRule"),
            r => r.Resource["Properties"]!["TopicRulePayload"]!["Actions"]![0]!["DynamoDBv2"] is not null && !IsDriftEventRule(r.Resource)).Resource;
        var sql = rule["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>();

        Assert.Contains("FROM 'edgemlops/+/inference/health'", sql);
        Assert.Contains("topic(2) AS thingName", sql);
        Assert.Contains("timestamp() AS receivedAt", sql);
        _stage.Template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["KeySchema"] = new[] { new Dictionary<string, object> { ["AttributeName"] = "thingName", ["KeyType"] = "HASH" } },
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
        });
    }

    // The drift event rule also writes DynamoDB (the training app's drift events table); the heartbeat rule is the other one.
    private static bool IsDriftEventRule(System.Text.Json.Nodes.JsonObject rule) =>
        rule["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>().EndsWith("WHERE drift.drifted = true", StringComparison.Ordinal);

    [Fact]
    public void No_heartbeat_rule_selects_everything_the_device_sends()
    {
        var rules = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::TopicRule").ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.False(TopicRuleSelect.SelectsEverything(r.Resource["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>()), r.Id));
    }

    [Fact]
    public void Heartbeat_rule_names_bounded_fields_and_cuts_the_error_text()
    {
        var sql = Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IoT::TopicRule"),
            r => r.Resource["Properties"]!["TopicRulePayload"]!["Actions"]![0]!["DynamoDBv2"] is not null && !IsDriftEventRule(r.Resource)).Resource["Properties"]!["TopicRulePayload"]!["Sql"]!.GetValue<string>();

        Assert.Contains("substring(model.lastError, 0, 256) AS lastError", sql);
        Assert.Contains("substring(state, 0, 32) AS state", sql);
        Assert.Contains("substring(model.componentVersion, 0, 64) AS modelComponentVersion", sql);
        Assert.Contains("frames.processed + frames.failed AS framesSeen", sql);
        Assert.Contains("substring(model.packageVersion, 0, 64) AS modelPackageVersion", sql);
        Assert.Contains("drift.score AS driftScore", sql);
    }

    [Fact]
    public void Select_check_flags_star_and_passes_named_columns()
    {
        Assert.True(TopicRuleSelect.SelectsEverything("SELECT *, topic(2) AS thingName FROM 'a/+/health'"));
        Assert.True(TopicRuleSelect.SelectsEverything("SELECT topic(2) AS thingName, model.* FROM 'a/+/health'"));
        Assert.False(TopicRuleSelect.SelectsEverything("SELECT topic(2) AS thingName, substring(state, 0, 32) AS state FROM 'a/+/health'"));
    }

    [Fact]
    public void Health_table_has_the_model_version_index_the_gate_counts_with()
    {
        _stage.Template.HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(new Dictionary<string, object>
        {
            ["GlobalSecondaryIndexes"] = new[]
            {
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["IndexName"] = "byModelVersion",
                    ["KeySchema"] = new[]
                    {
                        new Dictionary<string, object> { ["AttributeName"] = "modelComponentVersion", ["KeyType"] = "HASH" },
                        new Dictionary<string, object> { ["AttributeName"] = "receivedAt", ["KeyType"] = "RANGE" },
                    },
                }),
            },
        }));
    }

    [Fact]
    public void Capture_write_permission_carries_the_thing_name_variable()
    {
        var capture = TokenExchangeStatements().Single(s => s.Actions.Contains("s3:PutObject"));

        var resource = Assert.Single(capture.Resources);
        Assert.EndsWith("/{token}${credentials-iot:ThingName}/*", resource);
    }

    [Fact]
    public void Deployment_permissions_name_the_canary_and_fleet_groups()
    {
        var statements = WorkflowStatements();
        var groups = new[] { "CanaryGroup", "FleetGroup" };

        // Greengrass V2's CreateDeployment has no resource types (Service Authorization Reference): only "*" lets it
        // run; the deployment's IoT job is what names the groups.
        var deploy = Assert.Single(statements, s => s.Actions.Contains("greengrass:CreateDeployment"));
        Assert.Equal(["*"], deploy.Resources);
        var describeGroup = Assert.Single(statements, s => s.Actions.Contains("iot:DescribeThingGroup"));
        Assert.Equal(2, describeGroup.Resources.Count);
        Assert.All(describeGroup.Resources, r => Assert.Contains(groups, g => r.Contains(g, StringComparison.Ordinal)));
        var createJob = Assert.Single(statements, s => s.Actions.Contains("iot:CreateJob"));
        Assert.DoesNotContain(createJob.Resources, r => r.Contains(":thing/", StringComparison.Ordinal));
        Assert.Equal(2, createJob.Resources.Count(r => groups.Any(g => r.Contains(g, StringComparison.Ordinal))));
        Assert.DoesNotContain(statements, s => s.Resources.Any(r => r.EndsWith(":thing/*", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_fleet_membership_question_may_name_the_fleet_group_only()
    {
        // iot:ListThingsInThingGroup (resource type thinggroup) tells the workflow whether the fleet has a device
        // to watch; it is never asked of the canary, whose gate must pass on devices.
        var list = Assert.Single(WorkflowStatements(), s => s.Actions.Contains("iot:ListThingsInThingGroup"));

        Assert.Equal(["iot:ListThingsInThingGroup"], list.Actions);
        Assert.Contains("FleetGroup", Assert.Single(list.Resources), StringComparison.Ordinal);
    }

    [Theory]
    // Resource types from the Service Authorization Reference (AWS IoT Greengrass V2, AWS IoT): the ARN each action
    // may name (component, componentVersion, deployment, job), or "*" where the action has no resource type.
    [InlineData("greengrass:CreateComponentVersion", @"^arn:[^:]+:greengrass:[^:]+:[^:]+:components:com\.edgemlops\.Model$")]
    [InlineData("greengrass:DescribeComponent", @"^arn:[^:]+:greengrass:[^:]+:[^:]+:components:com\.edgemlops\.Model:versions:\*$")]
    [InlineData("greengrass:GetDeployment", @"^arn:[^:]+:greengrass:[^:]+:[^:]+:deployments:\*$")]
    [InlineData("greengrass:ListDeployments", @"^\*$")]
    [InlineData("greengrass:ListCoreDevices", @"^\*$")]
    [InlineData("greengrass:CreateDeployment", @"^\*$")]
    [InlineData("iot:DescribeJob", @"^arn:[^:]+:iot:[^:]+:[^:]+:job/\*$")]
    [InlineData("iot:ListJobExecutionsForJob", @"^arn:[^:]+:iot:[^:]+:[^:]+:job/\*$")]
    [InlineData("iot:CancelJob", @"^arn:[^:]+:iot:[^:]+:[^:]+:job/\*$")]
    [InlineData("iot:UpdateJob", @"^arn:[^:]+:iot:[^:]+:[^:]+:job/\*$")]
    public void Greengrass_and_iot_actions_name_the_resource_types_the_service_authorization_reference_defines(string action, string resourcePattern)
    {
        var resources = WorkflowStatements().Where(s => s.Actions.Contains(action)).SelectMany(s => s.Resources).ToList();

        Assert.Matches(resourcePattern, Assert.Single(resources));
    }

    /// <summary>Statements of the workflow role, with Fn::GetAtt resources written as "GetAtt:LogicalId".</summary>
    private List<(List<string> Actions, List<string> Resources)> WorkflowStatements()
    {
        var roleId = _stage.Stage.Workload.GetLogicalId((Amazon.CDK.CfnElement)_stage.Stage.Workflow.StateMachine.Role.Node.DefaultChild!);
        return Statements(roleId);
    }

    private List<(List<string> Actions, List<string> Resources)> TokenExchangeStatements()
    {
        var role = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Role")
            .Single(r => r.Resource["Properties"]!["AssumeRolePolicyDocument"]!.ToJsonString().Contains("credentials.iot.amazonaws.com", StringComparison.Ordinal));
        return Statements(role.Id);
    }

    private List<(List<string> Actions, List<string> Resources)> Statements(string roleId) =>
        [.. EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(roleId, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .OfType<JsonObject>()
            .Select(s => (EdgeStageFixture.List(s["Action"]).Select(a => a!.GetValue<string>()).ToList(),
                EdgeStageFixture.List(s["Resource"]).Select(r => r is JsonObject o && o["Fn::GetAtt"] is JsonArray att ? $"GetAtt:{att[0]}" : EdgeStageFixture.Text(r)).ToList()))];

    [Fact]
    public void Inference_component_version_derives_from_the_artifact_hash_and_depends_on_the_model_component()
    {
        var recipe = Recipe(_stage.TemplateJson, _stage.Settings.Edge.InferenceComponentName);

        Assert.Matches(@"^1\.0\.\d+$", recipe["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("HARD", recipe["ComponentDependencies"]![_stage.Settings.Edge.ModelComponentName]!["DependencyType"]!.GetValue<string>());
    }

    [Fact]
    public void Device_prerequisites_component_installs_as_root_from_its_script_and_inference_requires_exactly_that_version()
    {
        var prerequisites = _stage.Stage.Prerequisites;
        var recipe = Recipe(_stage.TemplateJson, prerequisites.ComponentName);
        var inference = Recipe(_stage.TemplateJson, _stage.Settings.Edge.InferenceComponentName);

        Assert.Equal("com.edgemlops.DevicePrerequisites", prerequisites.ComponentName);
        Assert.Equal(prerequisites.ComponentVersion, recipe["ComponentVersion"]!.GetValue<string>());
        var install = recipe["Manifests"]![0]!["Lifecycle"]!["Install"]!;
        Assert.True(install["RequiresPrivilege"]!.GetValue<bool>());
        var artifact = recipe["Manifests"]![0]!["Artifacts"]![0]!["Uri"]!.GetValue<string>();
        Assert.EndsWith("/" + prerequisites.Script.S3ObjectKey, artifact);
        Assert.Contains($"{{artifacts:path}}/{prerequisites.Script.S3ObjectKey}", install["Script"]!.GetValue<string>());
        var dependency = inference["ComponentDependencies"]![prerequisites.ComponentName]!;
        Assert.Equal("HARD", dependency["DependencyType"]!.GetValue<string>());
        Assert.Equal($"={prerequisites.ComponentVersion}", dependency["VersionRequirement"]!.GetValue<string>());
        // The script is the real artifact even when bundling is skipped: the asset hash is the script's.
        Assert.Equal(64, prerequisites.Script.AssetHash.Length);
    }

    [Fact]
    public void Token_exchange_role_reads_the_prerequisites_script_object_only()
    {
        var prerequisites = _stage.Stage.Prerequisites;
        var statement = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Policy")
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .OfType<JsonObject>()
            .Single(s => s["Sid"]?.GetValue<string>() == "DevicePrerequisitesArtifact");

        Assert.Equal(["s3:GetObject"], EdgeStageFixture.List(statement["Action"]).Select(a => a!.GetValue<string>()));
        Assert.EndsWith("/" + prerequisites.Script.S3ObjectKey, EdgeStageFixture.Text(Assert.Single(EdgeStageFixture.List(statement["Resource"]))));
    }

    [Fact]
    public void Digital_twin_gets_the_device_prerequisites_with_every_canary_deployment()
    {
        var machine = LocalStateMachine.FromTemplate(_stage.TwinTemplateJson, options: new LocalStateMachineOptions
        {
            SsmParameters = new Dictionary<string, string>
            {
                ["/edgemlops/dev/training/model-package-group-name"] = "metal-tag-detector",
                ["/edgemlops/dev/labeling/data-bucket-name"] = "labeling-data-bucket",
                ["/edgemlops/dev/labeling/capture-prefix"] = "images/captured/",
            },
        });
        var prerequisites = _stage.TwinStage.Prerequisites;
        var updates = machine.Definition["States"]!["ReviseDeployment"]!["Parameters"]!["Payload"]!["updates"]!.AsArray();
        var instance = Assert.Single(EdgeStageFixture.Resources(_stage.TwinTemplateJson, "AWS::EC2::Instance")).Resource;

        var update = Assert.Single(updates, u => u!["componentName"]?.GetValue<string>() == prerequisites.ComponentName)!;
        Assert.Equal(prerequisites.ComponentVersion, update["componentVersion"]!.GetValue<string>());
        // The twin is a core device of the canary group, the target of "ReviseDeployment" before the fleet.
        Assert.Contains($"--thing-group-name {_stage.TwinSettings.Edge.CanaryThingGroup}", instance["Properties"]!["UserData"]!.ToJsonString());
        Assert.Equal(_stage.TwinSettings.Edge.CanaryThingGroup, machine.Definition["States"]!["TargetTheCanaryGroup"]!["Result"]!["thingGroupName"]!.GetValue<string>());
        // The nucleus runs as root (system service), so the Install step's RequiresPrivilege can take effect.
        Assert.Contains("--setup-system-service true", instance["Properties"]!["UserData"]!.ToJsonString());
        Recipe(_stage.TwinTemplateJson, prerequisites.ComponentName);
    }

    /// <summary>The recipe of the component version named <paramref name="componentName"/> (tokens as "token").</summary>
    private static JsonNode Recipe(JsonObject template, string componentName) =>
        EdgeStageFixture.Resources(template, "AWS::GreengrassV2::ComponentVersion")
            .Select(c => JsonNode.Parse(EdgeStageFixture.Text(c.Resource["Properties"]!["InlineRecipe"]).Replace("{token}", "token", StringComparison.Ordinal))!)
            .Single(r => r["ComponentName"]!.GetValue<string>() == componentName);

    [Fact]
    public void The_synthesized_inference_recipe_defaults_come_from_the_contract()
    {
        var recipe = Recipe(_stage.TemplateJson, _stage.Settings.Edge.InferenceComponentName);
        var defaults = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!;
        var capture = defaults[InferenceConfiguration.Keys.Capture]!;

        Assert.Equal(CaptureLayout.DefaultPrefix, capture[InferenceConfiguration.Keys.CapturePrefix]!.GetValue<string>());
        Assert.Equal(InferenceConfiguration.Defaults.CaptureBucket, capture[InferenceConfiguration.Keys.CaptureBucket]!.GetValue<string>());
        Assert.Equal(InferenceConfiguration.Defaults.ConfidenceThreshold, defaults[InferenceConfiguration.Keys.ConfidenceThreshold]!.GetValue<double>());
        Assert.Equal(InferenceConfiguration.Defaults.HealthIntervalSeconds, defaults[InferenceConfiguration.Keys.HealthIntervalSeconds]!.GetValue<int>());
        Assert.All(InferenceConfiguration.Keys.RuntimePointers, pointer =>
            Assert.NotNull(pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate((JsonNode?)defaults, (n, key) => n?[key])));
    }

    [Fact]
    public void Without_the_switch_there_is_no_digital_twin()
    {
        _stage.Template.ResourceCountIs("AWS::EC2::Instance", 0);
        _stage.Template.ResourceCountIs("AWS::EC2::VPC", 0);
    }

    [Fact]
    public void Digital_twin_requires_imdsv2_and_has_no_inbound_rules_and_no_nat()
    {
        var twin = _stage.TwinTemplate;
        twin.ResourceCountIs("AWS::EC2::Instance", 1);
        twin.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
        {
            ["LaunchTemplateData"] = new Dictionary<string, object> { ["MetadataOptions"] = new Dictionary<string, object> { ["HttpTokens"] = "required" } },
        });
        twin.ResourceCountIs("AWS::EC2::NatGateway", 0);
        twin.ResourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
        foreach (var (_, group) in EdgeStageFixture.Resources(_stage.TwinTemplateJson, "AWS::EC2::SecurityGroup"))
        {
            Assert.Null(group["Properties"]!["SecurityGroupIngress"]);
        }
    }

    [Fact]
    public void Digital_twin_installs_the_pinned_nucleus_into_the_canary_group_from_an_ssm_ami()
    {
        var instance = Assert.Single(EdgeStageFixture.Resources(_stage.TwinTemplateJson, "AWS::EC2::Instance")).Resource;
        var userData = instance["Properties"]!["UserData"]!.ToJsonString();
        var imageParameter = instance["Properties"]!["ImageId"]!["Ref"]!.GetValue<string>();
        var amiDefault = _stage.TwinTemplateJson["Parameters"]![imageParameter]!["Default"]!.GetValue<string>();

        Assert.Contains($"greengrass-{_stage.TwinSettings.Edge.DigitalTwin.NucleusVersion}.zip", userData);
        Assert.Contains($"--thing-group-name {_stage.TwinSettings.Edge.CanaryThingGroup}", userData);
        Assert.StartsWith("/aws/service/ami-amazon-linux-latest/", amiDefault);
        var roleLogicalId = _stage.TwinStage.Twin!.Role.Node.DefaultChild is Amazon.CDK.CfnResource r ? _stage.TwinStage.Workload.GetLogicalId(r) : null;
        var provisioning = EdgeStageFixture.Resources(_stage.TwinTemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(roleLogicalId!, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .OfType<JsonObject>()
            .ToList();
        var addToGroup = Assert.Single(provisioning, s => EdgeStageFixture.List(s["Action"]).Any(a => a!.GetValue<string>() == "iot:AddThingToThingGroup"));
        var groupResources = EdgeStageFixture.List(addToGroup["Resource"]).Select(EdgeStageFixture.Text).ToList();
        Assert.Contains(groupResources, g => g.EndsWith($":thing/{_stage.TwinStage.Twin.ThingName}", StringComparison.Ordinal));
        Assert.Equal(2, groupResources.Count);
        var createThing = Assert.Single(provisioning, s => EdgeStageFixture.List(s["Action"]).Any(a => a!.GetValue<string>() == "iot:CreateThing"));
        Assert.Equal([$":thing/{_stage.TwinStage.Twin.ThingName}"], EdgeStageFixture.List(createThing["Resource"]).Select(EdgeStageFixture.Text).Select(t => t[t.LastIndexOf(':')..]));
    }

    [Fact]
    public void Approval_links_call_step_functions_directly_with_a_role_allowed_only_to_answer_this_workflow()
    {
        var methods = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::ApiGateway::Method").Select(m => m.Resource["Properties"]!).ToList();
        var uris = methods.Select(m => EdgeStageFixture.Text(m["Integration"]!["Uri"])).ToList();

        Assert.Equal(2, methods.Count);
        Assert.All(methods, m => Assert.Equal("GET", m["HttpMethod"]!.GetValue<string>()));
        Assert.All(methods, m => Assert.True(m["RequestParameters"]!["method.request.querystring.token"]!.GetValue<bool>()));
        Assert.Contains(uris, u => u.EndsWith(":states:action/SendTaskSuccess", StringComparison.Ordinal));
        Assert.Contains(uris, u => u.EndsWith(":states:action/SendTaskFailure", StringComparison.Ordinal));
        var roleId = methods[0]["Integration"]!["Credentials"]!["Fn::GetAtt"]![0]!.GetValue<string>();
        var statements = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(roleId, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .ToList();
        var statement = Assert.Single(statements)!;
        Assert.Equal(["states:SendTaskFailure", "states:SendTaskSuccess"], EdgeStageFixture.List(statement["Action"]).Select(a => a!.GetValue<string>()).Order());
        Assert.EndsWith(":stateMachine:edgemlops-dev-edge-deployment", EdgeStageFixture.Text(statement["Resource"]));
    }

    [Fact]
    public void Workflow_role_has_no_wildcard_actions()
    {
        var roleId = _stage.Stage.Workload.GetLogicalId((Amazon.CDK.CfnElement)_stage.Stage.Workflow.StateMachine.Role.Node.DefaultChild!);
        var actions = EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains(roleId, StringComparison.Ordinal))
            .SelectMany(p => EdgeStageFixture.List(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]))
            .SelectMany(s => EdgeStageFixture.List(s!["Action"]))
            .Select(a => a!.GetValue<string>())
            .ToList();

        Assert.Contains("greengrass:CreateDeployment", actions);
        Assert.Contains("iot:ListJobExecutionsForJob", actions);
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public void Publishes_its_ssm_contract()
    {
        foreach (var name in new[] { "/edgemlops/dev/edge/deployed-model-package", "/edgemlops/dev/edge/artifacts-bucket-name", "/edgemlops/dev/edge/state-machine-arn", "/edgemlops/dev/edge/health-table-name" })
        {
            _stage.Template.HasResourceProperties("AWS::SSM::Parameter", new Dictionary<string, object> { ["Name"] = name });
        }
    }

    [Fact]
    public void Workflow_pipeline_runs_the_deployment_of_the_latest_approved_package_on_demand()
    {
        _stage.Template.HasResourceProperties("AWS::CodePipeline::Pipeline", new Dictionary<string, object> { ["Name"] = "edgemlops-dev-edge-workflow" });
        _stage.Template.HasResourceProperties("AWS::StepFunctions::StateMachine", new Dictionary<string, object> { ["StateMachineName"] = "edgemlops-dev-edge-deployment" });
    }
}
