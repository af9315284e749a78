using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// The synthesized edge deployment state machine run locally: AWS calls answered by <see cref="FakeEdgeControlPlane"/>,
/// the three Lambda tasks by the real C# handlers. Assertions read the fake's records and the task-invocation log.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed class EdgeDeploymentWorkflowTests
{
    private const string PackageArn = "arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/4";
    private readonly LocalStateMachine _machine;
    private readonly string _canary;
    private readonly string _fleet;
    private readonly EdgeStageFixture _stage;

    public EdgeDeploymentWorkflowTests(EdgeStageFixture stage)
    {
        _stage = stage;
        _machine = stage.NewWorkflow();
        _canary = EdgeStageFixture.Group(_machine, "TargetTheCanaryGroup");
        _fleet = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup");
    }

    private static JsonObject ApprovalInput() => new() { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" };

    private FakeEdgeControlPlane Fake()
    {
        var fake = new FakeEdgeControlPlane(_machine.Definition);
        var package = ModelReleasePlannerTests.Package(modelDataUrl: "s3://edgemlops-dev-training-artifacts/runs/4/model.onnx", version: 4);
        package["ModelPackageArn"] = PackageArn;
        fake.Registry.Add(package);
        fake.Groups[_canary] = ["canary-01"];
        fake.Groups[_fleet] = ["press-01", "press-02", "press-03"];
        return fake;
    }

    private Task<ExecutionResult> RunAsync(FakeEdgeControlPlane fake, JsonObject? input = null) =>
        _machine.RunAsync(input ?? ApprovalInput(), fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(10) }));

    [Fact]
    public async Task Happy_path_rolls_out_to_the_canary_then_after_approval_to_the_fleet_and_records_the_release()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.All(fake.Deployments, d => Assert.Equal("4.0.0", d.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>()));
        Assert.All(fake.Deployments, d => Assert.NotNull(d.Components["com.edgemlops.Inference"]));
        var recorded = JsonNode.Parse(Assert.Single(fake.RecordedReleases))!;
        Assert.Equal(4, recorded["modelPackageVersion"]!.GetValue<int>());
        Assert.Equal("4.0.0", recorded["modelComponent"]!["componentVersion"]!.GetValue<string>());
        Assert.Contains(fake.Notifications, n => n.Subject.Contains("approve the fleet rollout", StringComparison.Ordinal) && n.Message.Contains($"approve?token={LocalStateMachine.TaskToken}", StringComparison.Ordinal));
        Assert.Contains(fake.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
        var copy = Assert.Single(result.InvocationsOf(EdgeDeploymentTasks.CopyObject));
        Assert.Equal("edgemlops-dev-training-artifacts/runs/4/model.onnx", copy.Parameters!["CopySource"]!.GetValue<string>());
        Assert.Equal("models/metal-tag-detector/4/model.onnx", copy.Parameters!["Key"]!.GetValue<string>());
        var captureMerge = JsonNode.Parse(fake.Deployments[0].Components["com.edgemlops.Inference"]!["ConfigurationUpdate"]!["Merge"]!.GetValue<string>())!;
        Assert.Equal("labeling-data-bucket", captureMerge["capture"]!["bucket"]!.GetValue<string>());
        Assert.Equal("images/captured/", captureMerge["capture"]!["prefix"]!.GetValue<string>());
        var create = Assert.Single(result.InvocationsOf("CreateRevisedDeployment"), i => i.Parameters!["TargetArn"]!.GetValue<string>() == _fleet);
        Assert.Equal("ROLLBACK", create.Parameters!["DeploymentPolicies"]!["FailureHandlingPolicy"]!.GetValue<string>());
        Assert.Equal(500, create.Parameters!["IotJobConfiguration"]!["JobExecutionsRolloutConfig"]!["MaximumPerMinute"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_model_with_an_acceptance_set_ships_it_in_its_component_copied_beside_the_model()
    {
        var fake = Fake();
        fake.Registry[0]["CustomerMetadataProperties"]!["acceptanceSetUri"] = "s3://edgemlops-dev-training-artifacts/runs/4/onnx/acceptance/acceptance.json";

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var copy = Assert.Single(result.InvocationsOf("CopyAcceptanceArchive"));
        Assert.Equal("edgemlops-dev-training-artifacts/runs/4/onnx/acceptance.zip", copy.Parameters!["CopySource"]!.GetValue<string>());
        Assert.Equal("models/metal-tag-detector/4/acceptance.zip", copy.Parameters!["Key"]!.GetValue<string>());
        var recipe = JsonNode.Parse(Assert.Single(result.InvocationsOf("CreateModelComponentVersion")).Parameters!["InlineRecipe"]!.GetValue<string>())!;
        Assert.Equal(2, recipe["Manifests"]![0]!["Artifacts"]!.AsArray().Count);
        Assert.Equal("acceptance/acceptance.json", recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["acceptanceSet"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_model_without_an_acceptance_set_copies_only_the_model()
    {
        var result = await RunAsync(Fake());

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Empty(result.InvocationsOf("CopyAcceptanceArchive"));
    }

    [Fact]
    public async Task Every_deployment_is_tagged_with_the_model_package_and_both_component_versions()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var creates = result.InvocationsOf("CreateRevisedDeployment");
        Assert.Equal([_canary, _fleet], creates.Select(c => c.Parameters!["TargetArn"]!.GetValue<string>()));
        for (var i = 0; i < creates.Count; i++)
        {
            var tags = creates[i].Parameters!["Tags"]!.AsObject();
            var inferenceVersion = fake.Deployments[i].Components["com.edgemlops.Inference"]!["ComponentVersion"]!.GetValue<string>();
            Assert.Equal(["edgemlops:inferenceComponentVersion", "edgemlops:modelComponentVersion", "edgemlops:modelPackageArn"], tags.Select(t => t.Key).Order(StringComparer.Ordinal));
            Assert.Equal(PackageArn, tags["edgemlops:modelPackageArn"]!.GetValue<string>());
            Assert.Equal("4.0.0", tags["edgemlops:modelComponentVersion"]!.GetValue<string>());
            // The tag names the inference component version the deployment actually carries.
            Assert.Equal(inferenceVersion, tags["edgemlops:inferenceComponentVersion"]!.GetValue<string>());
            Assert.Matches(@"^\d+\.\d+\.\d+$", inferenceVersion);
        }
    }

    [Fact]
    public async Task Failed_release_record_notifies_and_fails_the_run_instead_of_reporting_success()
    {
        var fake = Fake();
        fake.PutParameterError = "SSM.InternalServerError";

        var result = await RunAsync(fake);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("ReleaseNotRecorded", result.Error);
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.Empty(result.InvocationsOf("RollBackTarget"));
        Assert.Empty(fake.RecordedReleases);
        Assert.DoesNotContain(fake.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
        var notice = Assert.Single(fake.Notifications, n => n.Subject.Contains("not recorded", StringComparison.Ordinal));
        Assert.Contains(PackageArn, notice.Message);
        Assert.Contains("SSM.InternalServerError", notice.Message);
        Assert.Contains("/edgemlops/dev/edge/deployed-model-package", notice.Message);
    }

    [Fact]
    public async Task Manual_run_with_an_empty_registry_succeeds_with_nothing_to_deploy()
    {
        var fake = Fake();
        fake.Registry.Clear();

        var result = await RunAsync(fake, new JsonObject { ["trigger"] = "workflow-pipeline" });

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("NothingDeployed", result.EnteredStates);
        Assert.Empty(fake.Deployments);
        Assert.Contains(fake.Notifications, n => n.Subject.Contains("nothing to deploy", StringComparison.Ordinal));
        var list = Assert.Single(result.InvocationsOf(EdgeDeploymentTasks.ListModelPackages));
        Assert.Equal("Descending", list.Parameters!["SortOrder"]!.GetValue<string>());
        Assert.Equal("Approved", list.Parameters!["ModelApprovalStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Manual_run_deploys_the_newest_approved_package()
    {
        var fake = Fake();

        var result = await RunAsync(fake, new JsonObject { ["trigger"] = "workflow-pipeline" });

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(PackageArn, Assert.Single(result.InvocationsOf(EdgeDeploymentTasks.DescribeModelPackage)).Parameters!["ModelPackageName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Existing_component_version_is_reused_instead_of_failing()
    {
        var fake = Fake();
        fake.ExistingComponentVersions.Add("com.edgemlops.Model:4.0.0");

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("GreengrassV2.ConflictException", Assert.Single(result.InvocationsOf(EdgeDeploymentTasks.CreateComponentVersion)).Error);
        Assert.Equal(2, fake.Deployments.Count);
    }

    [Fact]
    public async Task Component_version_that_greengrass_marks_failed_stops_before_any_deployment()
    {
        var fake = Fake();
        fake.ComponentStatus = ("FAILED", "Artifact s3://edge-artifacts/models/metal-tag-detector/4/model.onnx cannot be accessed");

        var result = await RunAsync(fake);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("ModelComponentNotDeployable", result.Error);
        Assert.Empty(fake.Deployments);
        Assert.Contains(fake.Notifications, n => n.Message.Contains("cannot be accessed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Package_without_onnx_artifact_fails_before_anything_is_deployed_with_the_reason()
    {
        var fake = Fake();
        fake.Registry[0]["InferenceSpecification"]!["Containers"]![0]!["ModelDataUrl"] = "s3://bucket/runs/4/model.tar.gz";

        var result = await RunAsync(fake);

        Assert.Equal("ModelPackageNotDeployable", result.Error);
        Assert.Empty(result.InvocationsOf(EdgeDeploymentTasks.CopyObject));
        Assert.Empty(fake.Deployments);
        Assert.Contains(fake.Notifications, n => n.Message.Contains("no ONNX artifact", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Package_without_metadata_fails_before_anything_is_deployed_with_the_reason()
    {
        var fake = Fake();
        fake.Registry[0]["CustomerMetadataProperties"] = new JsonObject();

        var result = await RunAsync(fake);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("ModelPackageNotDeployable", result.Error);
        Assert.Empty(result.InvocationsOf(EdgeDeploymentTasks.CopyObject));
        Assert.Empty(result.InvocationsOf(EdgeDeploymentTasks.CreateComponentVersion));
        Assert.Empty(fake.Deployments);
        var notice = Assert.Single(fake.Notifications);
        Assert.Contains("cannot be deployed", notice.Subject);
        Assert.Contains("metadata imageSize is missing", notice.Message);
        Assert.Contains("metadata classNames is missing", notice.Message);
    }

    [Fact]
    public async Task Failed_canary_deployment_is_rolled_back_and_the_fleet_is_untouched()
    {
        var fake = Fake();
        var previous = JsonNode.Parse("""{"com.edgemlops.Model": {"ComponentVersion": "3.0.0"}, "com.edgemlops.Inference": {"ComponentVersion": "1.0.7"}}""")!.AsObject();
        fake.SeedDeployment(_canary, previous);
        fake.JobExecutionStatus = (_, poll) => poll == 1 ? "IN_PROGRESS" : "FAILED";

        var result = await RunAsync(fake);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.DoesNotContain(result.TaskInvocations, i => i.Parameters?["TargetArn"]?.GetValue<string>() == _fleet || i.Parameters?["ThingGroupArn"]?.GetValue<string>() == _fleet);
        var rollback = Assert.Single(result.InvocationsOf("RollBackTarget"));
        Assert.Equal(_canary, rollback.Parameters!["TargetArn"]!.GetValue<string>());
        // The last known good, with the inference component's shadow settings reset to the recipe's defaults.
        var expected = JsonNode.Parse("""{"com.edgemlops.Model": {"ComponentVersion": "3.0.0"}, "com.edgemlops.Inference": {"ComponentVersion": "1.0.7", "ConfigurationUpdate": {"Reset": ["/shadow"]}}}""");
        Assert.True(JsonNode.DeepEquals(expected, rollback.Parameters!["Components"]), rollback.Parameters!["Components"]!.ToJsonString());
        Assert.Contains(fake.Notifications, n => n.Subject.Contains("rolled back", StringComparison.Ordinal) && n.Message.Contains("canary-01", StringComparison.Ordinal) && n.Message.Contains("deployment job execution FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Canary_device_in_progress_past_the_limit_is_rolled_back()
    {
        var fake = Fake();
        fake.JobExecutionStatus = (_, _) => "IN_PROGRESS";

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        // dev: 60 min limit plus 1 min for the canary's one device at 500/min, 60 s polls.
        Assert.Equal(61, result.InvocationsOf("EvaluateDeviceHealth").Count);
        Assert.Equal(_canary, Assert.Single(result.InvocationsOf("RollBackTarget")).Parameters!["TargetArn"]!.GetValue<string>());
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("not healthy after 61 min", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heartbeat_reporting_errors_rolls_the_canary_back()
    {
        var fake = Fake();
        fake.Heartbeat = _ => (200, 40);

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("error rate 0.2 (40 of 200 frames) above 0.05", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_device_whose_model_fails_its_acceptance_check_rolls_the_canary_back_with_what_differed()
    {
        var fake = Fake();
        // The component keeps running (no ERRORED, no failed frames: it does not serve) and says what differed.
        fake.HeartbeatState = _ => ("MODEL_QUALITY_FAILED", "acceptance failed: parity 0.00 below 0.90 (0 of 17 boxes reproduced)");
        fake.Heartbeat = _ => (0, 0);

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("failed its on-device acceptance check (MODEL_QUALITY_FAILED): acceptance failed: parity 0.00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_candidate_that_finds_nothing_in_shadow_where_the_current_model_finds_defects_rolls_the_canary_back()
    {
        var fake = Fake();
        fake.ShadowAlways = true;
        fake.HeartbeatShadow = _ => new HealthShadow
        {
            FramesCompared = 30, CurrentDefectFrames = 12, MissedDefectFrames = 12, DefectRateDifference = -0.4, BoxF1 = 0, LatencyP95Ratio = 1.0,
        };

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("the candidate found nothing on 12 of the 12 frames where the current model finds defects", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_candidate_in_shadow_proves_nothing_before_it_has_compared_the_minimum_frames_so_the_canary_waits_until_the_limit()
    {
        var fake = Fake();
        fake.ShadowAlways = true;
        fake.HeartbeatShadow = _ => new HealthShadow { FramesCompared = 5, CurrentDefectFrames = 5, MissedDefectFrames = 5, DefectRateDifference = -1, BoxF1 = 0 };

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Empty(result.InvocationsOf("AskForFleetRolloutApproval"));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("without a fresh healthy heartbeat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_candidate_that_does_not_load_in_shadow_rolls_the_canary_back_at_once()
    {
        var fake = Fake();
        fake.ShadowAlways = true;
        fake.HeartbeatShadow = _ => new HealthShadow { LastError = "the candidate model did not load: Model 'model.onnx' has output rank 4" };

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Contains(fake.Notifications, n => n.Message.Contains("the candidate does not run in shadow: the candidate model did not load", StringComparison.Ordinal));
        Assert.True(result.InvocationsOf("EvaluateDeviceHealth").Count <= 2);
    }

    [Fact]
    public async Task A_candidate_that_agrees_in_shadow_passes_the_canary()
    {
        var fake = Fake();
        fake.ShadowAlways = true;
        fake.HeartbeatShadow = _ => new HealthShadow
        {
            FramesCompared = 40, CurrentDefectFrames = 10, MissedDefectFrames = 1, DefectRateDifference = -0.025, BoxF1 = 0.93, LatencyP95Ratio = 1.1,
        };

        var result = await RunAsync(fake);

        Assert.Null(result.Error);
        Assert.Single(result.InvocationsOf("AskForFleetRolloutApproval"));
    }

    private static string DeployedRecord(int version) => new JsonObject
    {
        ["modelPackageArn"] = $"arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/{version}",
        ["modelPackageGroupName"] = "metal-tag-detector",
        ["modelPackageVersion"] = version,
        ["modelComponent"] = new JsonObject { ["componentName"] = "com.edgemlops.Model", ["componentVersion"] = $"{version}.0.0" },
    }.ToJsonString();

    private static string? ShadowFile(CreatedDeployment deployment, string inference) =>
        deployment.Components[inference]?["ConfigurationUpdate"]?["Merge"]?.GetValue<string>() is { } merge
            ? JsonNode.Parse(merge)?["shadow"]?["currentModelFile"]?.GetValue<string>()
            : null;

    [Fact]
    public async Task With_a_current_model_the_canary_runs_the_candidate_in_shadow_then_serving_then_the_fleet_gets_it()
    {
        var fake = Fake();
        fake.RecordedReleases.Add(DeployedRecord(3));
        fake.HeartbeatShadow = _ => new HealthShadow
        {
            FramesCompared = 40, CurrentDefectFrames = 10, MissedDefectFrames = 0, DefectRateDifference = 0.025, BoxF1 = 0.95, LatencyP95Ratio = 1.05,
        };
        const string inference = "com.edgemlops.Inference";

        var result = await RunAsync(fake);

        Assert.Null(result.Error);
        var bucket = _machine.Definition["States"]!["CopyModelArtifact"]!["Parameters"]!["Bucket"]!.GetValue<string>();
        Assert.Contains(($"{bucket}/models/metal-tag-detector/3/model.onnx", "models/metal-tag-detector/4/current.onnx"), fake.Copies);
        var artifacts = Assert.Single(fake.Recipes)["Manifests"]![0]!["Artifacts"]!.AsArray();
        Assert.Equal(["model.onnx", "current.onnx"], artifacts.Select(a => a!["URI"]!.GetValue<string>().Split('/')[^1]));
        Assert.Equal([_canary, _canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.Equal(["current.onnx", "", ""], fake.Deployments.Select(d => ShadowFile(d, inference)));
        Assert.All(fake.Deployments, d => Assert.Equal("4.0.0", d.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>()));
        var approval = Assert.Single(fake.Notifications, n => n.Message.Contains("Approve the fleet rollout", StringComparison.Ordinal));
        Assert.Contains("Shadow evaluation of the candidate against the current model on 1 canary device(s): 40 frames compared; box F1 min 0.95", approval.Message, StringComparison.Ordinal);
        Assert.Contains("  canary-01: F1 0.95, defect-rate difference +0.025, missed 0/10, latency x1.05, 40 frames", approval.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_release_skips_shadow_and_the_approval_says_so()
    {
        var fake = Fake();

        var result = await RunAsync(fake);

        Assert.Null(result.Error);
        Assert.Empty(result.InvocationsOf("CopyCurrentModelArtifact"));
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        var approval = Assert.Single(fake.Notifications, n => n.Message.Contains("Approve the fleet rollout", StringComparison.Ordinal));
        Assert.Contains("No shadow evaluation: the group had no current model", approval.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blind_candidate_in_shadow_rolls_the_canary_back_to_the_current_model_with_shadow_reset_and_the_fleet_untouched()
    {
        var fake = Fake();
        fake.RecordedReleases.Add(DeployedRecord(3));
        const string inference = "com.edgemlops.Inference";
        fake.SeedDeployment(_canary, new JsonObject
        {
            ["com.edgemlops.Model"] = new JsonObject { ["ComponentVersion"] = "3.0.0" },
            [inference] = new JsonObject { ["ComponentVersion"] = "1.0.1", ["ConfigurationUpdate"] = new JsonObject { ["Merge"] = """{"confidenceThreshold":0.3}""" } },
        });
        fake.HeartbeatShadow = _ => new HealthShadow
        {
            FramesCompared = 30, CurrentDefectFrames = 30, MissedDefectFrames = 30, DefectRateDifference = -1, BoxF1 = 0, LatencyP95Ratio = 1.0,
        };

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Equal("current.onnx", ShadowFile(fake.Deployments[0], inference));
        var rollback = fake.Deployments[1].Components;
        Assert.Equal("3.0.0", rollback["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal(["/shadow"], rollback[inference]!["ConfigurationUpdate"]!["Reset"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains(fake.Notifications, n => n.Message.Contains("the candidate found nothing on 30 of the 30 frames", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manual_rejection_rolls_the_canary_back_and_leaves_the_fleet_alone()
    {
        var fake = Fake();
        fake.Approve = false;

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Single(result.InvocationsOf("AskForFleetRolloutApproval"));
        Assert.Equal([_canary, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Empty(fake.Deployments[1].Components);
        Assert.Contains(fake.Notifications, n => n.Message.Contains("FleetRolloutRejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_deployment_of_a_release_includes_the_device_prerequisites_the_inference_component_requires()
    {
        var fake = Fake();
        var prerequisites = _stage.Stage.Prerequisites;

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.All(fake.Deployments, d =>
        {
            Assert.Equal(prerequisites.ComponentVersion, d.Components[prerequisites.ComponentName]!["ComponentVersion"]!.GetValue<string>());
            Assert.NotNull(d.Components[_stage.Settings.Edge.InferenceComponentName]);
        });
    }

    [Fact]
    public async Task Revised_deployment_keeps_a_component_that_was_already_there()
    {
        var fake = Fake();
        fake.SeedDeployment(_canary, JsonNode.Parse("""
            {"com.example.Camera": {"ComponentVersion": "1.2.0", "RunWith": {"PosixUser": "camera:video"}},
             "com.edgemlops.Model": {"ComponentVersion": "3.0.0"}}
            """)!.AsObject());

        var result = await RunAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var canary = Assert.Single(result.InvocationsOf("CreateRevisedDeployment"), i => i.Parameters!["TargetArn"]!.GetValue<string>() == _canary);
        var components = canary.Parameters!["Components"]!;
        Assert.Equal("1.2.0", components["com.example.Camera"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("camera:video", components["com.example.Camera"]!["RunWith"]!["PosixUser"]!.GetValue<string>());
        Assert.Equal("4.0.0", components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_fleet_rolls_back_the_fleet_and_then_the_canary()
    {
        var fake = Fake();
        fake.JobExecutionStatus = (device, poll) => device.StartsWith("press", StringComparison.Ordinal) && poll > 1 ? "FAILED" : poll == 1 ? "IN_PROGRESS" : "SUCCEEDED";

        var result = await RunAsync(fake);

        Assert.Equal("ReleaseRolledBack", result.Error);
        Assert.Equal([_canary, _fleet, _fleet, _canary], fake.Deployments.Select(d => d.TargetArn));
        Assert.Empty(fake.Deployments[2].Components);
        Assert.Empty(fake.Deployments[3].Components);
    }
}
