using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.Tests.Constructs;

public sealed class SharedConstructsTests : IClassFixture<SharedConstructsFixture>
{
    private readonly SharedConstructsFixture _fixture;

    public SharedConstructsTests(SharedConstructsFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Secure_bucket_is_encrypted_with_its_own_rotating_key()
    {
        var bucket = Resource(_fixture.Bucket.Bucket.Node.DefaultChild!);
        var encryption = bucket["Properties"]!["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!;

        Assert.Equal("aws:kms", encryption["SSEAlgorithm"]!.GetValue<string>());
        Assert.Equal(LogicalId(_fixture.Bucket.Key.Node.DefaultChild!), encryption["KMSMasterKeyID"]!["Fn::GetAtt"]![0]!.GetValue<string>());
        Assert.True(Resource(_fixture.Bucket.Key.Node.DefaultChild!)["Properties"]!["EnableKeyRotation"]!.GetValue<bool>());
    }

    [Fact]
    public void Secure_bucket_is_versioned_private_logged_and_has_lifecycle_rules()
    {
        var properties = Resource(_fixture.Bucket.Bucket.Node.DefaultChild!)["Properties"]!;

        Assert.Equal("Enabled", properties["VersioningConfiguration"]!["Status"]!.GetValue<string>());
        var publicAccess = properties["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], k => Assert.True(publicAccess[k]!.GetValue<bool>()));
        Assert.Equal(LogicalId(_fixture.Bucket.AccessLogs.Node.DefaultChild!), properties["LoggingConfiguration"]!["DestinationBucketName"]!["Ref"]!.GetValue<string>());
        var ruleIds = properties["LifecycleConfiguration"]!["Rules"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>());
        Assert.Equal(["AbortIncompleteUploads", "ExpireNoncurrentVersions"], ruleIds);
    }

    [Fact]
    public void Secure_bucket_denies_requests_without_tls()
    {
        var policies = _fixture.Json["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::S3::BucketPolicy"
                && r.Value["Properties"]!["Bucket"]!["Ref"]?.GetValue<string>() == LogicalId(_fixture.Bucket.Bucket.Node.DefaultChild!))
            .Select(r => r.Value!)
            .ToList();

        var statements = Assert.Single(policies)["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
        var tls = Assert.Single(statements, s => s!["Condition"]?["Bool"]?["aws:SecureTransport"]?.GetValue<string>() == "false");
        Assert.Equal("Deny", tls!["Effect"]!.GetValue<string>());
        Assert.Equal("s3:*", tls["Action"]!.GetValue<string>());
    }

    [Fact]
    public void Access_log_bucket_suppressions_carry_reasons()
    {
        var metadata = Resource(_fixture.Bucket.AccessLogs.Node.DefaultChild!)["Metadata"]!["guard"]!;

        Assert.Equal(["s3_bucket_default_encryption_kms_check", "s3_bucket_logging_enabled_check"], metadata["SuppressedRules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.All(metadata["Reasons"]!.AsObject(), r => Assert.False(string.IsNullOrWhiteSpace(r.Value!.GetValue<string>())));
    }

    [Fact]
    public void Notification_topic_is_encrypted_and_tls_only()
    {
        var topic = Resource(_fixture.Topic.Topic.Node.DefaultChild!);

        Assert.Equal(LogicalId(_fixture.Topic.Key.Node.DefaultChild!), topic["Properties"]!["KmsMasterKeyId"]!["Fn::GetAtt"]![0]!.GetValue<string>());
        _fixture.Template.HasResourceProperties("AWS::SNS::TopicPolicy", Match.ObjectLike(new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Effect"] = "Deny",
                    ["Condition"] = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
                })]),
            }),
        }));
        _fixture.Template.HasResourceProperties("AWS::SNS::Subscription", new Dictionary<string, object> { ["Protocol"] = "email", ["Endpoint"] = "ops@example.com" });
    }

    [Fact]
    public void Function_runs_dotnet8_on_arm64_with_an_encrypted_log_group_kept_a_year()
    {
        var function = Resource(_fixture.Function.Function.Node.DefaultChild!)["Properties"]!;
        var logGroup = Resource(_fixture.Function.LogGroup.Node.DefaultChild!)["Properties"]!;

        Assert.Equal("dotnet8", function["Runtime"]!.GetValue<string>());
        Assert.Equal(["arm64"], function["Architectures"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("Active", function["TracingConfig"]!["Mode"]!.GetValue<string>());
        Assert.Equal(365, (int)logGroup["RetentionInDays"]!.GetValue<double>());
        Assert.NotNull(logGroup["KmsKeyId"]);
    }

    [Fact]
    public void Function_role_can_only_write_its_logs_and_traces()
    {
        var actions = PolicyActionsOf(LogicalId(_fixture.Function.Role.Node.DefaultChild!));

        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"], actions);
        Assert.Null(Resource(_fixture.Function.Role.Node.DefaultChild!)["Properties"]!["ManagedPolicyArns"]);
    }

    [Fact]
    public void State_machine_keeps_its_definition_readable_with_substitutions()
    {
        var properties = Resource(_fixture.StateMachine.StateMachine.Node.DefaultChild!)["Properties"]!;

        Assert.Contains("${ParserFunctionArn}", properties["DefinitionString"]!.ToJsonString());
        Assert.Equal(["ParserFunctionArn", "TopicArn"], properties["DefinitionSubstitutions"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public void State_machine_logs_everything_encrypted_and_traces()
    {
        var properties = Resource(_fixture.StateMachine.StateMachine.Node.DefaultChild!)["Properties"]!;

        Assert.Equal("ALL", properties["LoggingConfiguration"]!["Level"]!.GetValue<string>());
        Assert.True(properties["LoggingConfiguration"]!["IncludeExecutionData"]!.GetValue<bool>());
        Assert.True(properties["TracingConfiguration"]!["Enabled"]!.GetValue<bool>());
        Assert.NotNull(Resource(_fixture.StateMachine.LogGroup.Node.DefaultChild!)["Properties"]!["KmsKeyId"]);
    }

    [Fact]
    public void State_machine_role_has_exactly_the_task_actions_plus_logging_tracing_and_declared_support()
    {
        var actions = PolicyActionsOf(LogicalId(_fixture.StateMachine.Role.Node.DefaultChild!));

        string[] logging = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery"];
        string[] tracing = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];
        string[] expected = ["kms:Decrypt", "kms:GenerateDataKey*", "lambda:InvokeFunction", "sns:Publish", .. logging, .. tracing];
        Assert.Equal(expected.Order(StringComparer.Ordinal), actions);
        var metadata = Resource(_fixture.StateMachine.StateMachine.Node.DefaultChild!)["Metadata"]!;
        Assert.Equal("tests/Cdk.Tests/Fixtures/sample.asl.json", metadata["aslFile"]!.GetValue<string>());
        Assert.Equal("The topic is encrypted with its own key.", metadata["supportingActions"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Fails_if_a_placeholder_has_no_substitution_or_a_substitution_is_unused()
    {
        var e = Assert.Throws<ArgumentException>(() => AslStateMachine.ValidatePlaceholders(
            "x.asl.json",
            """{"Resource": "${Missing}"}""",
            new Dictionary<string, string> { ["Unused"] = "v" }));

        Assert.Equal(
            "x.asl.json: placeholder ${Missing} has no substitution" + Environment.NewLine + "x.asl.json: substitution Unused is not used by any ${Unused}",
            e.Message);
    }

    [Fact]
    public void Workflow_pipeline_never_starts_on_a_commit_and_runs_on_its_schedule()
    {
        var pipeline = Resource(_fixture.Pipeline.Pipeline.Node.DefaultChild!)["Properties"]!;
        var source = pipeline["Stages"]![0]!["Actions"]![0]!;

        Assert.Equal("false", source["Configuration"]!["DetectChanges"]!.ToString().ToLowerInvariant());
        Assert.Equal("StepFunctions", pipeline["Stages"]![2]!["Actions"]![0]!["ActionTypeId"]!["Provider"]!.GetValue<string>());
        var rule = Resource(_fixture.Pipeline.ScheduleRule!.Node.DefaultChild!)["Properties"]!;
        Assert.Equal("rate(1 day)", rule["ScheduleExpression"]!.GetValue<string>());
    }

    [Fact]
    public void Workflow_pipeline_checks_what_started_the_execution_before_the_state_machine_is_started()
    {
        var stages = Resource(_fixture.Pipeline.Pipeline.Node.DefaultChild!)["Properties"]!["Stages"]!.AsArray();
        Assert.Equal(["Source", "CheckTrigger", "RunWorkflow"], stages.Select(s => s!["Name"]!.GetValue<string>()));

        var check = Assert.Single(stages[1]!["Actions"]!.AsArray())!;
        Assert.Equal("CodeBuild", check["ActionTypeId"]!["Provider"]!.GetValue<string>());
        Assert.Equal(LogicalId(_fixture.Pipeline.CheckTriggerProject.Node.DefaultChild!), check["Configuration"]!["ProjectName"]!["Ref"]!.GetValue<string>());
        var variables = JsonNode.Parse(check["Configuration"]!["EnvironmentVariables"]!.GetValue<string>())!.AsArray();
        var executionId = Assert.Single(variables, v => v!["name"]!.GetValue<string>() == "PIPELINE_EXECUTION_ID")!;
        Assert.Equal("#{codepipeline.PipelineExecutionId}", executionId["value"]!.GetValue<string>());

        var project = Resource(_fixture.Pipeline.CheckTriggerProject.Node.DefaultChild!)["Properties"]!;
        var pipelineName = Assert.Single(project["Environment"]!["EnvironmentVariables"]!.AsArray(), v => v!["Name"]!.GetValue<string>() == "PIPELINE_NAME")!;
        Assert.Equal("edgemlops-dev-test-workflow", pipelineName["Value"]!.GetValue<string>());
        Assert.Equal(WorkflowPipeline.CheckTriggerCommands, CheckTriggerCommandsInTemplate());
    }

    [Fact]
    public void Workflow_pipeline_check_may_only_read_executions_of_its_own_pipeline()
    {
        var roleId = LogicalId(_fixture.Pipeline.CheckTriggerProject.Role!.Node.DefaultChild!);
        var statements = PolicyStatementsOf(roleId).Where(s => s["Action"]!.ToJsonString().Contains("codepipeline:", StringComparison.Ordinal)).ToList();

        var statement = Assert.Single(statements);
        Assert.Equal("codepipeline:GetPipelineExecution", statement["Action"]!.GetValue<string>());
        var arn = statement["Resource"]!.ToJsonString();
        Assert.Contains(":codepipeline:", arn);
        Assert.Contains(":edgemlops-dev-test-workflow", arn);
        Assert.DoesNotContain("*", arn);
    }

    [Fact]
    public void Fails_the_pipeline_execution_started_by_the_creation_of_the_pipeline()
    {
        var run = RunCheckTrigger(WorkflowPipeline.CreationTriggerType);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the workflow is not started", run.Output);
        Assert.Contains("--pipeline-name edgemlops-dev-test-workflow --pipeline-execution-id exec-1", run.AwsArguments);
    }

    [Theory]
    [InlineData("StartPipelineExecution")]
    [InlineData("CloudWatchEvent")]
    public void Lets_a_manual_or_scheduled_pipeline_execution_start_the_workflow(string trigger)
    {
        var run = RunCheckTrigger(trigger);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"was started by {trigger}", run.Output);
    }

    [Fact]
    public void Fails_the_pipeline_execution_when_its_trigger_cannot_be_read()
    {
        var run = RunCheckTrigger(trigger: null);

        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("was started by", run.Output);
    }

    [Fact]
    public void Fails_if_a_suppression_has_no_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => GuardSuppressions.Add(_fixture.Bucket.Bucket, "s3_bucket_versioning_enabled_check", " "));

        Assert.StartsWith("A suppression of s3_bucket_versioning_enabled_check needs a reason.", e.Message);
    }

    private JsonNode Resource(global::Constructs.IConstruct resource) => _fixture.Json["Resources"]![LogicalId(resource)]!;

    private string LogicalId(global::Constructs.IConstruct resource) =>
        ((Amazon.CDK.Stack)Amazon.CDK.Stack.Of(resource)).GetLogicalId((Amazon.CDK.CfnElement)resource);

    private List<string> CheckTriggerCommandsInTemplate()
    {
        var project = Resource(_fixture.Pipeline.CheckTriggerProject.Node.DefaultChild!)["Properties"]!;
        var buildSpec = JsonNode.Parse(project["Source"]!["BuildSpec"]!.GetValue<string>())!;
        return buildSpec["phases"]!["build"]!["commands"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
    }

    private sealed record CheckTriggerRun(int ExitCode, string Output, string AwsArguments);

    // Runs the synthesized build commands as CodeBuild does (one shell, stop at the first failing command),
    // with a fake `aws` that answers the trigger type, or fails like an API error when it is null.
    private CheckTriggerRun RunCheckTrigger(string? trigger)
    {
        var folder = Directory.CreateTempSubdirectory("check-trigger-").FullName;
        try
        {
            var argumentsFile = Path.Combine(folder, "aws-arguments.txt");
            // A shell function named aws shadows the real CLI for the commands that follow it.
            var fakeAws = trigger is null
                ? "aws() { echo \"$*\" > \"$ARGS_FILE\"; echo 'An error occurred (AccessDeniedException)' >&2; return 254; }"
                : $"aws() {{ echo \"$*\" > \"$ARGS_FILE\"; echo {trigger}; }}";
            var script = Path.Combine(folder, "build.sh");
            File.WriteAllText(script, fakeAws + "\n" + string.Join("\n", CheckTriggerCommandsInTemplate()) + "\n");

            var start = new System.Diagnostics.ProcessStartInfo("sh", ["-e", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ARGS_FILE"] = argumentsFile;
            start.Environment["PIPELINE_NAME"] = "edgemlops-dev-test-workflow";
            start.Environment["PIPELINE_EXECUTION_ID"] = "exec-1";
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return new CheckTriggerRun(process.ExitCode, output.Result + error, File.Exists(argumentsFile) ? File.ReadAllText(argumentsFile) : string.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private List<JsonNode> PolicyStatementsOf(string roleLogicalId) => _fixture.Json["Resources"]!.AsObject()
        .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::IAM::Policy"
            && r.Value["Properties"]!["Roles"]!.AsArray().Any(x => x!["Ref"]?.GetValue<string>() == roleLogicalId))
        .SelectMany(r => r.Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
        .Select(s => s!)
        .ToList();

    private List<string> PolicyActionsOf(string roleLogicalId) => _fixture.Json["Resources"]!.AsObject()
        .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::IAM::Policy"
            && r.Value["Properties"]!["Roles"]!.AsArray().Any(x => x!["Ref"]?.GetValue<string>() == roleLogicalId))
        .SelectMany(r => r.Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
        .SelectMany(s => s!["Action"] is JsonArray many ? many.Select(a => a!.GetValue<string>()) : [s["Action"]!.GetValue<string>()])
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();
}
