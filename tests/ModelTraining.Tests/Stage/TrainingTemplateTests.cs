using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Contracts;

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
    public void LabelsUpdated_rule_passes_every_labeling_event_with_new_labels_to_the_counting_workflow()
    {
        var rule = _stage.Resources("AWS::Events::Rule")
            .Single(r => r.Resource["Properties"]!["EventPattern"]?["source"]?[0]?.GetValue<string>() == "edgemlops.labeling").Resource["Properties"]!;
        var pattern = rule["EventPattern"]!;
        Assert.Equal("edgemlops.labeling", pattern["source"]![0]!.GetValue<string>());
        Assert.Equal("LabelsUpdated", pattern["detail-type"]![0]!.GetValue<string>());
        var numeric = pattern["detail"]!["newLabelCount"]![0]!["numeric"]!.AsArray();
        // Small events must reach the workflow, which adds them up; only empty ones are dropped.
        Assert.Equal(">", numeric[0]!.GetValue<string>());
        Assert.Equal(0, numeric[1]!.GetValue<int>());

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
        var contract = new ParameterContract(_stage.Settings.ParameterRoot);
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
        var contract = new ParameterContract(_stage.Settings.ParameterRoot);
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
            "dynamodb:UpdateItem", "dynamodb:Scan", "ecr:DescribeImages", "codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds",
            "events:PutTargets", "events:PutRule", "events:DescribeRule",

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

    [Fact]
    public void Drift_events_table_is_published_for_the_edge_app_and_only_scanned_by_the_workflow()
    {
        var (tableId, table) = Assert.Single(_stage.Resources("AWS::DynamoDB::Table"), t => t.LogicalId.Contains("DriftEvents", StringComparison.Ordinal));
        Assert.Equal(EdgeMlOps.Contracts.DriftEventsSchema.PartitionKey, table["Properties"]!["KeySchema"]![0]!["AttributeName"]!.GetValue<string>());
        Assert.True(table["Properties"]!["SSESpecification"]!["SSEEnabled"]!.GetValue<bool>());

        var workflow = PolicyDocuments.OfRole(_stage, RoleLogicalId("states.amazonaws.com", "Workflow"));
        var scan = Assert.Single(workflow, s => s.Actions.Contains("dynamodb:Scan"));
        Assert.Equal(["dynamodb:Scan"], scan.Actions);
        Assert.Equal($"<{tableId}>", Flatten(scan.Resources.Single()!));
        var contract = new EdgeMlOps.Contracts.ParameterContract(_stage.Settings.ParameterRoot);
        Assert.Contains(_stage.Resources("AWS::SSM::Parameter"), p => p.Resource["Properties"]!["Name"]!.GetValue<string>() == contract.TrainingDriftEventsTableName
            && p.Resource["Properties"]!["Value"]!["Ref"]!.GetValue<string>() == tableId);
    }

    [Fact]
    public void New_label_counter_is_a_kms_encrypted_table_with_recovery_that_only_the_workflow_updates()
    {
        var (tableId, table) = Assert.Single(_stage.Resources("AWS::DynamoDB::Table"), t => t.LogicalId.Contains("NewLabelCounter", StringComparison.Ordinal));
        var properties = table["Properties"]!;
        Assert.Equal("counter", properties["KeySchema"]![0]!["AttributeName"]!.GetValue<string>());
        Assert.True(properties["SSESpecification"]!["SSEEnabled"]!.GetValue<bool>());
        Assert.True(properties["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.GetValue<bool>());

        var workflow = PolicyDocuments.OfRole(_stage, RoleLogicalId("states.amazonaws.com", "Workflow"));
        var update = Assert.Single(workflow, s => s.Actions.Contains("dynamodb:UpdateItem"));
        Assert.Equal(["dynamodb:UpdateItem"], update.Actions);
        Assert.Equal($"<{tableId}>", Flatten(update.Resources.Single()!));
        var substitutions = _stage.Resources("AWS::StepFunctions::StateMachine").Single().Resource["Properties"]!["DefinitionSubstitutions"]!;
        Assert.Equal(tableId, substitutions["RetrainCounterTableName"]!["Ref"]!.GetValue<string>());
        Assert.Equal(_stage.Settings.Training.MinNewLabelsToRetrain.ToString(System.Globalization.CultureInfo.InvariantCulture), substitutions["MinNewLabelsToRetrain"]!.GetValue<string>());
    }

    [Fact]
    public void Image_repository_scans_on_push_keeps_tags_immutable_is_kms_encrypted_and_expires_old_images()
    {
        var repository = Assert.Single(_stage.Resources("AWS::ECR::Repository")).Resource["Properties"]!;
        Assert.Equal("edgemlops-dev-training", repository["RepositoryName"]!.GetValue<string>());
        Assert.True(repository["ImageScanningConfiguration"]!["ScanOnPush"]!.GetValue<bool>());
        Assert.Equal("IMMUTABLE", repository["ImageTagMutability"]!.GetValue<string>());
        Assert.Equal("KMS", repository["EncryptionConfiguration"]!["EncryptionType"]!.GetValue<string>());
        var rules = JsonNode.Parse(repository["LifecyclePolicy"]!["LifecyclePolicyText"]!.GetValue<string>())!["rules"]!.AsArray();
        Assert.Contains(rules, r => r!["selection"]!["tagStatus"]!.GetValue<string>() == "untagged" && r["selection"]!["countType"]!.GetValue<string>() == "sinceImagePushed");
        Assert.Contains(rules, r => r!["selection"]!["countType"]!.GetValue<string>() == "imageCountMoreThan" && r["selection"]!["countNumber"]!.GetValue<int>() == 10);
    }

    [Fact]
    public void Image_build_is_privileged_only_with_a_guard_reason_and_pushes_the_content_hash_tag()
    {
        // The workflow pipeline's CheckTrigger project is the other CodeBuild project of the stage.
        var (logicalId, project) = Assert.Single(_stage.Resources("AWS::CodeBuild::Project"), p => p.LogicalId.StartsWith("TrainingImage", StringComparison.Ordinal));
        var properties = project["Properties"]!;
        Assert.True(properties["Environment"]!["PrivilegedMode"]!.GetValue<bool>());
        var guard = project["Metadata"]!["guard"]!;
        Assert.Contains("codebuild_project_environment_privileged_check", guard["SuppressedRules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(guard["Reasons"]!["codebuild_project_environment_privileged_check"]!.GetValue<string>()));
        Assert.Equal("S3", properties["Source"]!["Type"]!.GetValue<string>());
        Assert.Equal("ENABLED", properties["LogsConfig"]!["CloudWatchLogs"]!["Status"]!.GetValue<string>());

        var variables = properties["Environment"]!["EnvironmentVariables"]!.AsArray().ToDictionary(v => v!["Name"]!.GetValue<string>(), v => v!["Value"]!.GetValue<string>());
        var tag = _stage.Stage.Image.Tag;
        Assert.Matches("^[0-9a-f]{16}$", tag);
        Assert.Equal($"123456789012.dkr.ecr.eu-west-1.amazonaws.com/edgemlops-dev-training:{tag}", variables["IMAGE_URI"]);
        Assert.Equal("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311", variables["BASE_IMAGE"]);
        Assert.NotEmpty(logicalId);
    }

    [Fact]
    public void Image_build_role_pushes_to_its_one_repository_and_pulls_only_the_base_image()
    {
        var roleId = RoleLogicalId("codebuild.amazonaws.com", "TrainingImage");
        var statements = PolicyDocuments.OfRole(_stage, roleId);
        Assert.Empty(PolicyDocuments.WildcardProblems(statements, ActionsWithoutResourceLevelPermissions));
        var repository = _stage.Resources("AWS::ECR::Repository").Single().LogicalId;
        var push = new[] { "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload" };
        var pushing = statements.Where(s => s.Actions.Intersect(push).Any()).ToList();
        Assert.Equal(push.Order(), pushing.SelectMany(s => s.Actions).Intersect(push).Order());
        Assert.All(pushing.SelectMany(s => s.Resources), r => Assert.Equal($"<{repository}>", Flatten(r!)));
        var ecrResources = statements.Where(s => s.Actions.Any(a => a.StartsWith("ecr:", StringComparison.Ordinal) && a != "ecr:GetAuthorizationToken"))
            .SelectMany(s => s.Resources).Select(r => Flatten(r!)).ToHashSet();
        Assert.Equal(new HashSet<string> { $"<{repository}>", "arn:<AWS::Partition>:ecr:eu-west-1:763104351884:repository/pytorch-training" }.Order(), ecrResources.Order());
    }

    [Fact]
    public void Pipeline_jobs_run_with_network_isolation_on_the_built_image_without_installing_anything()
    {
        var definition = JsonNode.Parse(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(Settings.Training) with { ContainerImageUri = _stage.Stage.Image.ImageUri }).ToJsonString())!;
        var train = definition["Steps"]!.AsArray().Single(s => s!["Name"]!.GetValue<string>() == "Train")!["Arguments"]!;
        var evaluate = definition["Steps"]!.AsArray().Single(s => s!["Name"]!.GetValue<string>() == "Evaluate")!["Arguments"]!;
        Assert.True(train["EnableNetworkIsolation"]!.GetValue<bool>());
        Assert.True(evaluate["NetworkConfig"]!["EnableNetworkIsolation"]!.GetValue<bool>());
        Assert.Equal(_stage.Stage.Image.ImageUri, train["AlgorithmSpecification"]!["TrainingImage"]!.GetValue<string>());
        Assert.Equal(_stage.Stage.Image.ImageUri, evaluate["AppSpecification"]!["ImageUri"]!.GetValue<string>());
        Assert.DoesNotContain("pip install", evaluate["AppSpecification"]!["ContainerEntrypoint"]!.ToJsonString(), StringComparison.Ordinal);

        // An isolated container cannot fetch its scripts from S3: they arrive as a channel, named by local path.
        var code = train["InputDataConfig"]!.AsArray().Single(c => c!["ChannelName"]!.GetValue<string>() == "code")!;
        Assert.Equal("s3://assets/sourcedir.tar.gz", code["DataSource"]!["S3DataSource"]!["S3Uri"]!.GetValue<string>());
        Assert.Equal("\"/opt/ml/input/data/code/sourcedir.tar.gz\"", train["HyperParameters"]!["sagemaker_submit_directory"]!.GetValue<string>());
    }

    [Fact]
    public void Deployed_pipeline_runs_the_built_image_and_its_role_pulls_from_that_repository()
    {
        var pipeline = _stage.Resources("AWS::SageMaker::Pipeline").Single().Resource["Properties"]!.ToJsonString();
        Assert.Contains(_stage.Stage.Image.ImageUri, pipeline, StringComparison.Ordinal);
        Assert.Contains("EnableNetworkIsolation", pipeline, StringComparison.Ordinal);
        var pull = PolicyDocuments.OfRole(_stage, RoleLogicalId("sagemaker.amazonaws.com")).Single(s => s.Actions.Contains("ecr:BatchGetImage"));
        Assert.EndsWith(":123456789012:repository/edgemlops-dev-training", Flatten(pull.Resources.Single()!), StringComparison.Ordinal);
    }

    private EdgeMlOps.Cdk.Shared.Configuration.AppSettings Settings => _stage.Settings;

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
