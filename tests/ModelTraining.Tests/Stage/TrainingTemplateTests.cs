using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Cdk.Shared;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

public sealed class TrainingTemplateTests : IClassFixture<TrainingStageFixture>
{
    private static readonly HashSet<string> ActionsWithoutResourceLevelPermissions = new(StringComparer.Ordinal)
    {
        "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    };

    private readonly TrainingStageFixture _stage;

    public TrainingTemplateTests(TrainingStageFixture stage)
    {
        _stage = stage;
    }

    [Fact]
    public void Schedule_rule_starts_the_workflow_on_the_configured_schedule()
    {
        var stateMachine = StateMachineLogicalId();
        _stage.Template.HasResourceProperties("AWS::Events::Rule", Match.ObjectLike(new Dictionary<string, object>
        {
            ["ScheduleExpression"] = _stage.Settings.Training.Schedule,
            ["State"] = "ENABLED",
            ["Targets"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
            {
                ["Arn"] = new Dictionary<string, object> { ["Ref"] = stateMachine },
                ["Input"] = "{\"trigger\":\"schedule\"}",
            })]),
        }));
    }

    [Fact]
    public void LabelsUpdated_rule_matches_the_labeling_event_with_enough_new_labels()
    {
        var rule = _stage.Resources("AWS::Events::Rule").Single(r => r.Resource["Properties"]!["EventPattern"] is not null).Resource["Properties"]!;
        var pattern = rule["EventPattern"]!;
        Assert.Equal("edgemlops.labeling", pattern["source"]![0]!.GetValue<string>());
        Assert.Equal("LabelsUpdated", pattern["detail-type"]![0]!.GetValue<string>());
        var numeric = pattern["detail"]!["newLabelCount"]![0]!["numeric"]!.AsArray();
        Assert.Equal(">=", numeric[0]!.GetValue<string>());
        Assert.Equal(_stage.Settings.Training.MinNewLabelsToRetrain, numeric[1]!.GetValue<int>());

        var target = rule["Targets"]![0]!;
        Assert.Equal(StateMachineLogicalId(), target["Arn"]!["Ref"]!.GetValue<string>());
        var transformer = target["InputTransformer"]!;
        Assert.Equal("$.detail", transformer["InputPathsMap"]!["detail"]!.GetValue<string>());
        Assert.Contains("\"trigger\":\"labels-updated\"", transformer["InputTemplate"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_package_group_is_created_and_published_through_ssm()
    {
        var groupName = $"{_stage.Settings.ResourcePrefix}-defect-detector";
        _stage.Template.HasResourceProperties("AWS::SageMaker::ModelPackageGroup", new Dictionary<string, object> { ["ModelPackageGroupName"] = groupName });
        var contract = new ParameterContract(_stage.Settings);
        _stage.Template.HasResourceProperties("AWS::SSM::Parameter", Match.ObjectLike(new Dictionary<string, object>
        {
            ["Name"] = contract.TrainingModelPackageGroupName,
            ["Value"] = groupName,
        }));
        foreach (var name in new[] { contract.TrainingArtifactsBucketName, contract.TrainingArtifactsBucketKeyArn })
        {
            _stage.Template.HasResourceProperties("AWS::SSM::Parameter", Match.ObjectLike(new Dictionary<string, object> { ["Name"] = name }));
        }
    }

    [Fact]
    public void Reads_the_labeling_contract_from_ssm_at_deploy_time()
    {
        var contract = new ParameterContract(_stage.Settings);
        var parameters = _stage.Json["Parameters"]!.AsObject();
        foreach (var name in new[] { contract.LabelingDataBucketName, contract.LabelingDataBucketKeyArn, contract.LabelingOfflineStoreDatabase, contract.LabelingOfflineStoreTable, contract.LabelingOfflineStoreUri })
        {
            Assert.Contains(parameters, p => p.Value!["Type"]!.GetValue<string>() == "AWS::SSM::Parameter::Value<String>" && p.Value["Default"]!.GetValue<string>() == name);
        }

        Assert.Empty(_stage.Json.ToJsonString().Split("Fn::ImportValue").Skip(1));
    }

    [Fact]
    public void Sagemaker_pipeline_runs_as_its_role_with_the_builder_definition()
    {
        var pipeline = _stage.Resources("AWS::SageMaker::Pipeline").Single().Resource["Properties"]!;
        Assert.Equal($"{_stage.Settings.ResourcePrefix}-training", pipeline["PipelineName"]!.GetValue<string>());
        Assert.Equal(_stage.Stage.PipelineRole.Role.Node.DefaultChild is Amazon.CDK.CfnResource r ? _stage.Stage.Workload.GetLogicalId(r) : null, pipeline["RoleArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());

        var body = JsonNode.Parse(Flatten(pipeline["PipelineDefinition"]!["PipelineDefinitionBody"]!))!;
        Assert.Equal("2020-12-01", body["Version"]!.GetValue<string>());
        Assert.Equal(
            [TrainingPipelineDefinition.PrepareDatasetStepName, TrainingPipelineDefinition.TrainStepName, TrainingPipelineDefinition.EvaluateStepName, TrainingPipelineDefinition.ConditionStepName],
            body["Steps"]!.AsArray().Select(s => s!["Name"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public void Readable_pipeline_definition_is_written_next_to_the_templates()
    {
        var file = _stage.Stage.Pipeline.DefinitionFile!;
        Assert.Equal(Path.GetFullPath(_stage.Stage.Outdir), Path.GetDirectoryName(Path.GetFullPath(file)));
        var definition = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal(4, definition["Steps"]!.AsArray().Count);
        Assert.Contains("${ArtifactsBucketName}", definition.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("${Token[", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_role_passes_only_itself_and_only_to_sagemaker()
    {
        var roleId = RoleLogicalId("sagemaker.amazonaws.com");
        var passRole = PolicyDocuments.OfRole(_stage, roleId).Where(s => s.Actions.Contains("iam:PassRole")).ToList();
        var statement = Assert.Single(passRole);
        Assert.Equal(roleId, statement.Resources.Single()!["Fn::GetAtt"]![0]!.GetValue<string>());
        Assert.Equal("sagemaker.amazonaws.com", statement.Condition!["StringEquals"]!["iam:PassedToService"]!.GetValue<string>());
    }

    [Fact]
    public void Pipeline_role_is_least_privilege()
    {
        var statements = PolicyDocuments.OfRole(_stage, RoleLogicalId("sagemaker.amazonaws.com"));
        Assert.Empty(PolicyDocuments.WildcardProblems(statements, ActionsWithoutResourceLevelPermissions));

        var actions = statements.SelectMany(s => s.Actions).ToHashSet();
        Assert.DoesNotContain(actions, a => a.StartsWith("glue:", StringComparison.Ordinal) || a.StartsWith("athena:", StringComparison.Ordinal) || a.StartsWith("sagemaker:PutRecord", StringComparison.Ordinal));
        var jobs = statements.Single(s => s.Actions.Contains("sagemaker:CreateTrainingJob"));
        Assert.All(jobs.Resources, r => Assert.EndsWith("/pipelines-*", Flatten(r!), StringComparison.Ordinal));

        // Its S3 access is its own artifacts bucket, by prefix, plus the one training-scripts object.
        var s3Resources = statements.Where(s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal))).SelectMany(s => s.Resources).Select(r => Flatten(r!)).ToList();
        var artifacts = _stage.Stage.Workload.GetLogicalId((Amazon.CDK.CfnResource)_stage.Stage.Artifacts.Bucket.Node.DefaultChild!);
        Assert.All(s3Resources, r => Assert.True(r.Contains(artifacts, StringComparison.Ordinal) || r.Contains("cdk-hnb659fds-assets", StringComparison.Ordinal), r));
        Assert.Contains(s3Resources, r => r.EndsWith("/datasets/*", StringComparison.Ordinal));
        Assert.DoesNotContain(s3Resources, r => r.EndsWith(">/*", StringComparison.Ordinal));
    }

    [Fact]
    public void Least_privilege_check_flags_a_wildcard_resource_and_accepts_scoped_ones()
    {
        PolicyDocuments.Statement Make(string action, string resource) => new([action], [JsonValue.Create(resource)], null, null);
        Assert.Empty(PolicyDocuments.WildcardProblems([Make("s3:GetObject", "arn:aws:s3:::b/k"), Make("ecr:GetAuthorizationToken", "*")], ActionsWithoutResourceLevelPermissions));
        Assert.Equal(["s3:GetObject on *"], PolicyDocuments.WildcardProblems([Make("s3:GetObject", "*")], ActionsWithoutResourceLevelPermissions));
        Assert.Equal(["wildcard action s3:*"], PolicyDocuments.WildcardProblems([Make("s3:*", "arn:aws:s3:::b")], ActionsWithoutResourceLevelPermissions));
    }

    [Fact]
    public void Workflow_role_allows_exactly_the_task_and_supporting_actions()
    {
        var statements = PolicyDocuments.OfRole(_stage, RoleLogicalId("states.amazonaws.com", "Workflow"));
        var actions = statements.SelectMany(s => s.Actions).ToHashSet(StringComparer.Ordinal);
        var expected = new HashSet<string>(StringComparer.Ordinal)
        {
            // tasks
            "states:ListExecutions", "sagemaker:ListPipelineExecutions", "sagemaker:StartPipelineExecution",
            "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps", "sagemaker:DescribeModelPackage",
            "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution", "sns:Publish",

            // supporting (declared with reasons), logging and tracing
            "glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation",
            "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKey*",
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
            "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
        };
        Assert.Empty(actions.Except(expected));
        Assert.Empty(expected.Where(a => !a.StartsWith("logs:", StringComparison.Ordinal) && !a.StartsWith("xray:", StringComparison.Ordinal)).Except(actions));
    }

    [Fact]
    public void Prepare_function_writes_only_datasets_in_the_artifacts_bucket()
    {
        var statements = PolicyDocuments.OfRole(_stage, RoleLogicalId("lambda.amazonaws.com", "PrepareYoloDataset"));
        var writes = statements.Where(s => s.Actions.Any(a => a.StartsWith("s3:Put", StringComparison.Ordinal))).SelectMany(s => s.Resources).Select(r => Flatten(r!)).ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.EndsWith("/datasets/*", w, StringComparison.Ordinal));
    }

    [Fact]
    public void Workflow_is_the_asl_file_with_every_placeholder_filled()
    {
        var machine = _stage.Resources("AWS::StepFunctions::StateMachine").Single();
        Assert.Equal(TrainingWorkflow.AslFile, machine.Resource["Metadata"]!["aslFile"]!.GetValue<string>());
        var substitutions = machine.Resource["Properties"]!["DefinitionSubstitutions"]!.AsObject();
        Assert.Equal("MapBelowThreshold", substitutions["BelowThresholdStepName"]!.GetValue<string>());
        Assert.Equal("RegisterModel", substitutions["RegisterStepName"]!.GetValue<string>());
        Assert.Equal((24 * 3600 / 300).ToString(System.Globalization.CultureInfo.InvariantCulture), substitutions["MaxPolls"]!.GetValue<string>());
    }

    private string StateMachineLogicalId() => _stage.Resources("AWS::StepFunctions::StateMachine").Single().LogicalId;

    private string RoleLogicalId(string principal, string? idContains = null) => _stage.Resources("AWS::IAM::Role")
        .Where(r => r.Resource["Properties"]!["AssumeRolePolicyDocument"]!.ToJsonString().Contains(principal, StringComparison.Ordinal))
        .Where(r => idContains is null || r.LogicalId.Contains(idContains, StringComparison.Ordinal))
        .Single().LogicalId;

    /// <summary>A string, or an Fn::Join of strings and references, as one string (a reference as &lt;LogicalId&gt;).</summary>
    private static string Flatten(JsonNode node) => node switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonObject obj when obj["Fn::Join"] is JsonArray join => string.Join(join[0]!.GetValue<string>(), join[1]!.AsArray().Select(p => Flatten(p!))),
        JsonObject obj when obj["Ref"] is JsonValue reference => $"<{reference.GetValue<string>()}>",
        JsonObject obj when obj["Fn::GetAtt"] is JsonArray attribute => $"<{attribute[0]!.GetValue<string>()}>",
        _ => $"<{node.ToJsonString()}>",
    };
}
