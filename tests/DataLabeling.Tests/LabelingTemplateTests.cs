using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

public sealed class LabelingTemplateTests : IClassFixture<LabelingStageFixture>
{
    private readonly LabelingStageFixture _stage;

    public LabelingTemplateTests(LabelingStageFixture stage)
    {
        _stage = stage;
    }

    private JsonObject StateMachineRoleDocument()
    {
        var machine = Assert.Single(_stage.Resources("AWS::StepFunctions::StateMachine"));
        var roleId = machine.Resource["Properties"]!["RoleArn"]!["Fn::GetAtt"]![0]!.GetValue<string>();
        var policy = Assert.Single(_stage.Resources("AWS::IAM::Policy"),
            p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => r!["Ref"]?.GetValue<string>() == roleId));
        return policy.Resource["Properties"]!["PolicyDocument"]!.AsObject();
    }

    private static IEnumerable<string> ActionsOf(JsonNode? statement) =>
        statement!["Action"] is JsonArray many ? many.Select(a => a!.GetValue<string>()) : [statement["Action"]!.GetValue<string>()];

    [Fact]
    public void Feature_group_has_the_explicit_schema_offline_store_only_with_KMS_and_a_Glue_table()
    {
        var (_, group) = Assert.Single(_stage.Resources("AWS::SageMaker::FeatureGroup"));
        var props = group["Properties"]!;
        Assert.Equal("edgemlops-dev-labels", props["FeatureGroupName"]!.GetValue<string>());
        Assert.Equal("source_ref", props["RecordIdentifierFeatureName"]!.GetValue<string>());
        Assert.Equal("event_time", props["EventTimeFeatureName"]!.GetValue<string>());
        var schema = props["FeatureDefinitions"]!.AsArray().Select(f => (f!["FeatureName"]!.GetValue<string>(), f["FeatureType"]!.GetValue<string>()));
        Assert.Equal(LabelFeatureGroup.Schema, schema);
        Assert.Null(props["OnlineStoreConfig"]);
        var offline = props["OfflineStoreConfig"]!;
        Assert.False(offline["DisableGlueTableCreation"]!.GetValue<bool>());
        Assert.Equal("edgemlops_dev_labels", offline["DataCatalogConfig"]!["TableName"]!.GetValue<string>());
        Assert.Equal("edgemlops_dev_labeling", offline["DataCatalogConfig"]!["Database"]!.GetValue<string>());
        var keyRef = offline["S3StorageConfig"]!["KmsKeyId"]!["Fn::GetAtt"]![0]!.GetValue<string>();
        Assert.Equal("AWS::KMS::Key", _stage.Json["Resources"]![keyRef]!["Type"]!.GetValue<string>());
    }

    [Fact]
    public void State_machine_uses_the_labeling_asl_with_the_private_workteam_and_region_lambdas()
    {
        var (_, machine) = Assert.Single(_stage.Resources("AWS::StepFunctions::StateMachine"));
        Assert.Equal("statemachines/labeling.asl.json", machine["Metadata"]!["aslFile"]!.GetValue<string>());
        var substitutions = machine["Properties"]!["DefinitionSubstitutions"]!;
        Assert.Equal(_stage.Settings.Labeling.WorkteamArn, substitutions["WorkteamArn"]!.GetValue<string>());
        Assert.Null(substitutions["PublicTaskPriceDollars"]);
        Assert.Equal("arn:aws:lambda:eu-west-1:568282634449:function:PRE-BoundingBox", substitutions["BoundingBoxPreLambdaArn"]!.GetValue<string>());
        Assert.Equal("arn:aws:lambda:eu-west-1:568282634449:function:ACS-VerificationBoundingBox", substitutions["VerificationConsolidationLambdaArn"]!.GetValue<string>());
        Assert.Equal("10", substitutions["PutRecordConcurrency"]!.GetValue<string>());
        Assert.Equal("2880", substitutions["MaxPollCount"]!.GetValue<string>()); // 240 h / 300 s
        Assert.Equal("true", substitutions["VerificationEnabled"]!.GetValue<string>());
        var definition = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("statemachines", "labeling.asl.json")))!;
        var entry = definition["States"]!["PublishLabelsUpdated"]!["Parameters"]!["Entries"]![0]!;
        Assert.Equal(LabelingLayout.EventSource, entry["Source"]!.GetValue<string>());
        Assert.Equal(LabelingLayout.LabelsUpdatedDetailType, entry["DetailType"]!.GetValue<string>());
        Assert.Equal(["newLabelCount.$", "approvedCount.$", "rejectedCount.$", "executionId.$", "featureGroupName"],
            entry["Detail"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Lambdas_get_the_capture_prefix_from_the_config_and_scan_both_prefixes()
    {
        var find = _stage.Resources("AWS::Lambda::Function")
            .Single(f => f.Resource["Properties"]!["Handler"]!.GetValue<string>().StartsWith("FindUnlabeledImages::", StringComparison.Ordinal));
        var scan = find.Resource["Properties"]!["Environment"]!["Variables"]!["SCAN_PREFIXES"]!.GetValue<string>();
        Assert.Equal(string.Join(',', _stage.Settings.Labeling.ScanPrefixes), scan);
        Assert.Contains(_stage.Settings.Labeling.CapturePrefix, scan.Split(','));
        Assert.Contains(_stage.Settings.Labeling.IncomingPrefix, scan.Split(','));
    }

    [Fact]
    public void State_machine_role_scopes_its_task_actions_to_named_resources()
    {
        // Resource "*" is checked for every role of the stack below; here the two grants that take name patterns.
        var statements = StateMachineRoleDocument()["Statement"]!.AsArray();
        var putRecord = statements.Single(s => ActionsOf(s!).Contains("sagemaker:PutRecord"));
        Assert.Contains("feature-group/edgemlops-dev-labels", putRecord!["Resource"]!.ToJsonString());
        var labelingJobs = statements.Single(s => ActionsOf(s!).Contains("sagemaker:CreateLabelingJob"));
        Assert.Contains("labeling-job/edgemlops-dev-*", labelingJobs!["Resource"]!.ToJsonString());
    }

    [Fact]
    public void State_machine_role_allows_exactly_the_expected_actions_and_no_others()
    {
        var actions = StateMachineRoleDocument()["Statement"]!.AsArray().SelectMany(ActionsOf).Distinct().Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            // The tasks of statemachines/labeling.asl.json.
            "lambda:InvokeFunction", "sagemaker:CreateLabelingJob", "sagemaker:DescribeLabelingJob", "sagemaker:StopLabelingJob",
            "sagemaker:PutRecord", "sns:Publish", "events:PutEvents",
            "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution",
            // CreateLabelingJob hands the Ground Truth role to SageMaker.
            "iam:PassRole",
            // The Distributed Maps (poll windows, record writes): Map Runs start, track and stop child executions.
            "states:StartExecution", "states:DescribeExecution", "states:StopExecution",
            // Athena runs the latest-label query as the caller: catalog, offline-store objects, results in the bucket.
            "athena:GetDataCatalog", "glue:GetDatabase", "glue:GetTable", "glue:GetPartitions",
            "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:AbortMultipartUpload",
            // The data bucket's and the topic's keys.
            "kms:Decrypt", "kms:GenerateDataKey*",
            // Logging ALL to the encrypted log group (vended log delivery) and X-Ray tracing.
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
            "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), actions);
    }

    /// <summary>
    /// Actions that may be granted on Resource "*" in the labeling stack, each with the reason. Everything else a
    /// role in the stack may do is scoped to named resources.
    /// </summary>
    private static readonly Dictionary<string, string> WildcardResourceActions = new(StringComparer.Ordinal)
    {
        ["xray:PutTraceSegments"] = XrayReason,
        ["xray:PutTelemetryRecords"] = XrayReason,
        ["xray:GetSamplingRules"] = XrayReason,
        ["xray:GetSamplingTargets"] = XrayReason,
        ["logs:CreateLogDelivery"] = LogDeliveryReason,
        ["logs:GetLogDelivery"] = LogDeliveryReason,
        ["logs:UpdateLogDelivery"] = LogDeliveryReason,
        ["logs:DeleteLogDelivery"] = LogDeliveryReason,
        ["logs:ListLogDeliveries"] = LogDeliveryReason,
        ["logs:PutResourcePolicy"] = LogDeliveryReason,
        ["logs:DescribeResourcePolicies"] = LogDeliveryReason,
        ["logs:DescribeLogGroups"] = LogDeliveryReason,
    };

    private const string XrayReason = "X-Ray's trace and sampling actions have no resource-level permissions (Lambda and state machine tracing).";

    private const string LogDeliveryReason = "Step Functions delivers its logs through CloudWatch Logs vended log delivery, whose actions support only Resource \"*\".";

    [Fact]
    public void No_role_in_the_stack_grants_an_action_on_every_resource_except_the_explained_ones()
    {
        var offenders = new List<string>();
        foreach (var (id, document) in RolePolicyDocuments())
        {
            foreach (var statement in document["Statement"]!.AsArray())
            {
                var resources = statement!["Resource"] is JsonArray many ? many.Select(r => r!.ToJsonString()) : [statement["Resource"]!.ToJsonString()];
                if (statement["Effect"]!.GetValue<string>() != "Allow" || !resources.Contains("\"*\""))
                {
                    continue;
                }

                offenders.AddRange(ActionsOf(statement).Where(a => !WildcardResourceActions.ContainsKey(a)).Select(a => $"{id}: {a}"));
            }
        }

        Assert.True(offenders.Count == 0, "Granted on Resource \"*\" without a written reason:\n" + string.Join("\n", offenders));
    }

    /// <summary>Every identity policy of the stack: AWS::IAM::Policy resources and the inline policies of roles.</summary>
    private IEnumerable<(string Id, JsonObject Document)> RolePolicyDocuments()
    {
        foreach (var (id, policy) in _stage.Resources("AWS::IAM::Policy"))
        {
            yield return (id, policy["Properties"]!["PolicyDocument"]!.AsObject());
        }

        foreach (var (id, role) in _stage.Resources("AWS::IAM::Role"))
        {
            foreach (var inline in role["Properties"]!["Policies"]?.AsArray() ?? [])
            {
                yield return ($"{id}/{inline!["PolicyName"]}", inline["PolicyDocument"]!.AsObject());
            }
        }
    }

    [Fact]
    public void No_role_has_a_full_access_managed_policy()
    {
        foreach (var (_, role) in _stage.Resources("AWS::IAM::Role"))
        {
            Assert.DoesNotContain("FullAccess", role["Properties"]!["ManagedPolicyArns"]?.ToJsonString() ?? "");
        }
    }

    [Fact]
    public void Publishes_the_contract_parameters_and_schedules_the_workflow_pipeline()
    {
        var contract = new ParameterContract(_stage.Settings.ParameterRoot);
        var names = _stage.Resources("AWS::SSM::Parameter").Select(p => p.Resource["Properties"]!["Name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(names, new HashSet<string>
        {
            contract.LabelingDataBucketName, contract.LabelingDataBucketKeyArn, contract.LabelingIncomingPrefix, contract.LabelingCapturePrefix,
            contract.LabelingFeatureGroupName, contract.LabelingOfflineStoreDatabase, contract.LabelingOfflineStoreTable, contract.LabelingOfflineStoreUri,
            contract.LabelingStateMachineArn, contract.LabelingWorkflowLogGroupName,
        });
        _stage.Template.HasResourceProperties("AWS::SSM::Parameter", new Dictionary<string, object>
        {
            ["Name"] = contract.LabelingCapturePrefix,
            ["Value"] = _stage.Settings.Labeling.CapturePrefix,
        });
        _stage.Template.HasResourceProperties("AWS::Events::Rule", new Dictionary<string, object> { ["ScheduleExpression"] = "rate(1 day)" });
    }

    [Fact]
    public void Athena_results_are_KMS_encrypted_and_the_UI_is_deployed()
    {
        _stage.Template.HasResourceProperties("AWS::Athena::WorkGroup", new Dictionary<string, object>
        {
            ["WorkGroupConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["EnforceWorkGroupConfiguration"] = true,
                ["ResultConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["EncryptionConfiguration"] = Match.ObjectLike(new Dictionary<string, object> { ["EncryptionOption"] = "SSE_KMS" }),
                }),
            }),
        });
        _stage.Template.ResourceCountIs("Custom::CDKBucketDeployment", 1);
    }

    [Fact]
    public void Public_workforce_uses_the_public_crowd_with_its_price()
    {
        var yaml = File.ReadAllText(RepositoryRoot.Combine("config", "dev.yaml"))
            .Replace("  publicWorkforce:\n    enabled: false", "  publicWorkforce:\n    enabled: true\n    taskPriceUsd: 0.036", StringComparison.Ordinal)
            .Replace("taskAvailabilityLifetimeSeconds: 864000", "taskAvailabilityLifetimeSeconds: 43200", StringComparison.Ordinal); // Mechanical Turk allows at most 12 hours
        var settings = SettingsLoader.Parse(yaml, "config/dev.yaml", "dev");
        var stage = new LabelingStage(new App(), "Public", new AppStageProps
        {
            Settings = settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        });
        Template.FromStack(stage.Workload).HasResourceProperties("AWS::StepFunctions::StateMachine", new Dictionary<string, object>
        {
            ["DefinitionSubstitutions"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["WorkteamArn"] = "arn:aws:sagemaker:eu-west-1:394669845002:workteam/public-crowd/default",
                ["PublicTaskPriceCents"] = "3",
                ["PublicTaskPriceTenthsOfACent"] = "6",
            }),
        });
        var definition = SynthesizedDefinition(JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stage.Workload).ToJSON()))!);
        foreach (var state in LabelingWorkforce.JobStates)
        {
            var parameters = definition["States"]![state]!["Parameters"]!;
            Assert.NotNull(parameters["HumanTaskConfig"]!["PublicWorkforceTaskPrice"]);
            Assert.NotNull(parameters["InputConfig"]!["DataAttributes"]);
        }
    }

    [Fact]
    public void Private_workteam_is_chosen_at_synthesis_without_a_runtime_choice_or_public_fields()
    {
        var definition = SynthesizedDefinition(_stage.Json);
        var states = definition["States"]!.AsObject();
        Assert.DoesNotContain(states, s => s.Value!["Type"]!.GetValue<string>() == "Choice" && s.Value.ToJsonString().Contains("workforce", StringComparison.OrdinalIgnoreCase));
        Assert.Null(definition["States"]!["LoadWorkflowSettings"]!["Parameters"]!["workforce"]);
        foreach (var state in LabelingWorkforce.JobStates)
        {
            var parameters = states[state]!["Parameters"]!;
            Assert.Equal("${WorkteamArn}", parameters["HumanTaskConfig"]!["WorkteamArn"]!.GetValue<string>());
            Assert.Null(parameters["HumanTaskConfig"]!["PublicWorkforceTaskPrice"]);
            Assert.Null(parameters["InputConfig"]!["DataAttributes"]);
        }
    }

    private static JsonNode SynthesizedDefinition(JsonNode template)
    {
        var machine = template["Resources"]!.AsObject().Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::StepFunctions::StateMachine").Value!;
        return JsonNode.Parse(machine["Properties"]!["DefinitionString"]!.GetValue<string>())!;
    }

    [Fact]
    public void Fails_synth_in_a_region_without_ground_truth()
    {
        var settings = _stage.Settings with { Region = "eu-north-1", Labeling = _stage.Settings.Labeling with { WorkteamArn = null, UsePublicWorkforce = true, PublicTaskPriceUsd = 0.05 } };
        var error = Assert.Throws<ArgumentException>(() => new LabelingStage(new App(), "North", new AppStageProps
        {
            Settings = settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        }));
        Assert.Contains("no built-in bounding-box Lambdas in region 'eu-north-1'", error.Message);
    }

    [Fact]
    public void Every_key_denies_grants_except_for_AWS_services_and_buckets_notify_EventBridge_natively()
    {
        foreach (var (id, key) in _stage.Resources("AWS::KMS::Key"))
        {
            var statements = key["Properties"]!["KeyPolicy"]!["Statement"]!.AsArray();
            Assert.True(statements.Any(s => s!["Effect"]!.GetValue<string>() == "Deny" && s["Action"]!.ToJsonString() == "\"kms:CreateGrant\""), id);
        }

        foreach (var (id, bucket) in _stage.Resources("AWS::S3::Bucket"))
        {
            Assert.True(bucket["Properties"]!["NotificationConfiguration"]?["EventBridgeConfiguration"]?["EventBridgeEnabled"]?.GetValue<bool>() == true, id);
        }

        Assert.Empty(_stage.Resources("Custom::S3BucketNotifications"));
    }

    [Fact]
    public void The_UI_deployment_handler_carries_its_guard_suppression_with_a_reason()
    {
        var (_, handler) = Assert.Single(_stage.Resources("AWS::Lambda::Function"),
            f => f.LogicalId.StartsWith("CustomCDKBucketDeployment", StringComparison.Ordinal));
        var reasons = handler["Metadata"]!["guard"]!["Reasons"]!;
        Assert.Contains("public endpoint", reasons["lambda_inside_vpc_check"]!.GetValue<string>());
    }

    [Fact]
    public void Every_failed_timed_out_or_aborted_execution_is_reported_to_the_topic()
    {
        EdgeMlOps.Testing.CloudFormation.ExecutionFailureRule.AssertNotifiesTopic(_stage.Json);
    }

    [Fact]
    public void Distributed_maps_may_start_only_this_state_machine_and_read_only_the_record_chunk_lists()
    {
        var statements = StateMachineRoleDocument()["Statement"]!.AsArray();
        var start = statements.Single(s => ActionsOf(s!).Contains("states:StartExecution"))!;
        Assert.Contains("stateMachine:edgemlops-dev-labeling", start["Resource"]!.ToJsonString());
        var track = statements.Single(s => ActionsOf(s!).Contains("states:DescribeExecution"))!;
        Assert.Contains("execution:edgemlops-dev-labeling/*", track["Resource"]!.ToJsonString());
        var reader = statements.Single(s => ActionsOf(s!).SequenceEqual(["s3:GetObject"]))!;
        Assert.Contains("labeling/feature-records/*", reader["Resource"]!.ToJsonString());
    }
}
