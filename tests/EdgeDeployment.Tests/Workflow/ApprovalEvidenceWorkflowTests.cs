using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>
/// The approval e-mail between canary and fleet carries the canary's evidence (issue 14): on-device acceptance per
/// device for every release (the first one too) and the shadow agreement when there is a current model, with console
/// links and the signed CLI commands. The synthesized state machine runs in the strict harness against
/// <see cref="FakeEdgeControlPlane"/>, whose heartbeats are health-table items as the heartbeat rule writes them.
/// </summary>
[Collection(EdgeStageCollection.Name)]
public sealed partial class ApprovalEvidenceWorkflowTests
{
    private const string PackageArn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/metal-tag-detector/4";

    /// <summary>Where docs/edge-deployment.md holds the worked example this class renders.</summary>
    private const string DocsExampleMarker = "<!-- approval e-mail example: rendered by ApprovalEvidenceWorkflowTests -->";

    private readonly LocalStateMachine _machine;
    private readonly string _canary;
    private readonly string _fleet;

    public ApprovalEvidenceWorkflowTests(EdgeStageFixture stage)
    {
        _machine = stage.NewWorkflow();
        _canary = EdgeStageFixture.Group(_machine, "TargetTheCanaryGroup");
        _fleet = EdgeStageFixture.Group(_machine, "TargetTheFleetGroup");
    }

    private static readonly Dictionary<string, HealthAcceptance> s_acceptance = new(StringComparer.Ordinal)
    {
        ["press-02"] = new()
        {
            Status = AcceptanceStatuses.Passed, Images = 16, Precision = 0.94, Recall = 0.9, Map50 = 0.91, ExpectedMap50 = 0.92, Parity = 1, ParityThreshold = 0.9,
            MaxConfidenceDifference = 0.003,
        },
        ["press-07"] = new()
        {
            Status = AcceptanceStatuses.Passed, Message = "1 of 21 training-side boxes not reproduced at IoU >= 0.9", Images = 16, Precision = 0.93, Recall = 0.86,
            Map50 = 0.88, ExpectedMap50 = 0.92, Parity = 0.955, ParityThreshold = 0.9, MaxConfidenceDifference = 0.021,
        },
        ["press-11"] = new()
        {
            Status = AcceptanceStatuses.Passed, Images = 16, Precision = 0.95, Recall = 0.9, Map50 = 0.92, ExpectedMap50 = 0.92, Parity = 1, ParityThreshold = 0.9,
            MaxConfidenceDifference = 0.001,
        },
    };

    private static readonly Dictionary<string, HealthShadow> s_shadow = new(StringComparer.Ordinal)
    {
        ["press-02"] = new() { FramesCompared = 56, CurrentDefectFrames = 13, MissedDefectFrames = 1, DefectRateDifference = 0.018, BoxF1 = 0.92, LatencyP95Ratio = 1.04 },
        ["press-07"] = new() { FramesCompared = 57, CurrentDefectFrames = 14, MissedDefectFrames = 2, DefectRateDifference = -0.035, BoxF1 = 0.86, LatencyP95Ratio = 1.12 },
        ["press-11"] = new() { FramesCompared = 58, CurrentDefectFrames = 14, MissedDefectFrames = 0, DefectRateDifference = 0, BoxF1 = 0.96, LatencyP95Ratio = 0.98 },
    };

    private FakeEdgeControlPlane Fake(params string[] canaryDevices)
    {
        var fake = new FakeEdgeControlPlane(_machine.Definition);
        var package = ModelReleasePlannerTests.Package(modelDataUrl: "s3://edgemlops-dev-training-artifacts/runs/4/model.onnx", version: 4);
        package["ModelPackageArn"] = PackageArn;
        fake.Registry.Add(package);
        fake.Groups[_canary] = [.. canaryDevices];
        fake.Groups[_fleet] = ["press-01", "press-03", "press-04"];
        fake.HeartbeatAcceptance = thing => s_acceptance.GetValueOrDefault(thing);
        fake.HeartbeatShadow = thing => s_shadow.GetValueOrDefault(thing);
        return fake;
    }

    private static string DeployedRecord(int version) => new JsonObject
    {
        ["modelPackageArn"] = $"arn:aws:sagemaker:eu-west-1:123456789012:model-package/metal-tag-detector/{version}",
        ["modelPackageGroupName"] = "metal-tag-detector",
        ["modelPackageVersion"] = version,
        ["modelComponent"] = new JsonObject { ["componentName"] = "com.edgemlops.Model", ["componentVersion"] = $"{version}.0.0" },
    }.ToJsonString();

    private async Task<(ExecutionResult Result, string Message)> ReleaseAsync(FakeEdgeControlPlane fake)
    {
        var input = new JsonObject { ["modelPackageArn"] = PackageArn, ["trigger"] = "model-package-approved" };
        var result = await _machine.RunAsync(input, fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(10) }));
        var approval = Assert.Single(fake.Notifications, n => n.Subject == "Edge deployment: approve the fleet rollout?");
        return (result, approval.Message);
    }

    [Fact]
    public async Task A_first_release_approval_email_carries_each_canary_devices_acceptance_evidence_without_shadow()
    {
        var fake = Fake("press-02", "press-07");

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains("On-device acceptance on 2 canary device(s): 2 passed.", message, StringComparison.Ordinal);
        Assert.Contains("  press-02: passed, precision 0.94, recall 0.9, mAP50 0.91, parity 1 (threshold 0.9), largest confidence difference 0.003, 16 images", message, StringComparison.Ordinal);
        Assert.Contains("  press-07: passed, precision 0.93, recall 0.86, mAP50 0.88, parity 0.955 (threshold 0.9), largest confidence difference 0.021, 16 images: 1 of 21 training-side boxes", message, StringComparison.Ordinal);
        Assert.Contains("No shadow evaluation: the group had no current model", message, StringComparison.Ordinal);
        Assert.Single(result.InvocationsOf("SummariseAcceptanceEvidence"));
        Assert.Empty(result.InvocationsOf("SummariseShadowEvidence"));
    }

    [Fact]
    public async Task A_shadow_release_approval_email_carries_the_acceptance_evidence_beside_the_shadow_agreement()
    {
        var fake = Fake("press-02", "press-07", "press-11");
        fake.RecordedReleases.Add(DeployedRecord(3));

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal([_canary, _canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        var acceptance = message.IndexOf("On-device acceptance on 3 canary device(s): 3 passed.", StringComparison.Ordinal);
        var shadow = message.IndexOf("Shadow evaluation of the candidate against the current model on 3 canary device(s)", StringComparison.Ordinal);
        Assert.True(acceptance > 0 && shadow > acceptance, message);
        Assert.Contains("  press-11: passed, precision 0.95, recall 0.9, mAP50 0.92, parity 1 (threshold 0.9), largest confidence difference 0.001, 16 images", message, StringComparison.Ordinal);
        Assert.Contains("  press-07: F1 0.86, defect-rate difference -0.035, missed 2/14, latency x1.12, 57 frames", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_canary_of_50_devices_is_summarised_within_bounds_and_the_page_stays_far_below_the_state_limit()
    {
        var devices = Enumerable.Range(1, 50).Select(i => $"canary-{i:00}-{new string('x', 54)}").ToArray();
        var fake = Fake(devices);
        fake.HeartbeatAcceptance = thing => new HealthAcceptance
        {
            Status = AcceptanceStatuses.Passed, Message = new string('m', 400), Images = 16, Precision = 0.912345, Recall = 0.876543, Map50 = 0.891234,
            ExpectedMap50 = 0.9, Parity = 0.9 + ((Array.IndexOf(devices, thing) + 1) / 1000.0), ParityThreshold = 0.9,
            MaxConfidenceDifference = 0.0123456,
        };

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("On-device acceptance on 50 canary device(s): 50 passed.", message, StringComparison.Ordinal);
        Assert.Contains("Per device (the 10 weakest of 50; 40 more not listed):", message, StringComparison.Ordinal);
        Assert.Contains($"  {devices[0]}: passed, precision 0.912", message, StringComparison.Ordinal);
        Assert.DoesNotContain(devices[10], message, StringComparison.Ordinal);
        // Half the 256 KiB quota, like the scale benchmark's target; the page of 50 items is the largest state.
        Assert.True(result.MaxPayloadBytes <= 131_072, $"largest state payload {result.MaxPayloadBytes} bytes");
    }

    [Fact]
    public async Task Evidence_that_cannot_be_read_does_not_roll_back_a_healthy_canary_the_email_says_so()
    {
        var fake = Fake("press-02");
        fake.HealthBatchGetError = "DynamoDb.InternalServerErrorException";

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal([_canary, _fleet], fake.Deployments.Select(d => d.TargetArn));
        Assert.Contains("On-device acceptance evidence could not be read (DynamoDb.InternalServerErrorException); see the execution history.", message, StringComparison.Ordinal);
        Assert.Equal(6, result.InvocationsOf("ReadAcceptanceEvidence").Count);
    }

    [Fact]
    public async Task The_approval_email_links_the_execution_the_model_package_group_and_the_dashboard_and_gives_the_signed_cli_commands()
    {
        var fake = Fake("press-02");

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var region = RegionOf(message);
        Assert.Matches($@"Execution: https://{region}\.console\.aws\.amazon\.com/states/home\?region={region}#/v2/executions/details/arn:aws:states:[a-z0-9-]+:\d{{12}}:execution:edgemlops-dev-edge-deployment:\S+", message);
        Assert.Contains($"Model package group metal-tag-detector (version 4): https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/model-packages/metal-tag-detector", message, StringComparison.Ordinal);
        Assert.Contains($"Fleet dashboard: https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards:name=edgemlops-dev-fleet", message, StringComparison.Ordinal);
        Assert.Contains($"aws stepfunctions send-task-success --task-output true --task-token {LocalStateMachine.TaskToken}", message, StringComparison.Ordinal);
        Assert.Contains($"aws stepfunctions send-task-failure --error FleetRolloutRejected --task-token {LocalStateMachine.TaskToken}", message, StringComparison.Ordinal);
        // The evidence read leaves only its text in the state (the page of items is replaced), so the wait carries no page.
        var ask = Assert.Single(result.InvocationsOf("AskForFleetRolloutApproval"));
        Assert.DoesNotContain("acceptanceParity", ask.Parameters!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worked_example_in_the_docs_is_the_email_the_workflow_writes()
    {
        var fake = Fake("press-02", "press-07", "press-11");
        fake.RecordedReleases.Add(DeployedRecord(3));

        var (result, message) = await ReleaseAsync(fake);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var rendered = "Subject: Edge deployment: approve the fleet rollout?\n\n" + Normalise(message);
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "edge-deployment.md")).ReplaceLineEndings("\n");
        var marker = docs.IndexOf(DocsExampleMarker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"docs/edge-deployment.md lacks the marker {DocsExampleMarker}");
        var start = docs.IndexOf("```\n", marker, StringComparison.Ordinal) + 4;
        var end = docs.IndexOf("\n```", start, StringComparison.Ordinal);
        Assert.True(rendered == docs[start..end], $"docs/edge-deployment.md's example differs from what the workflow writes; the rendered e-mail is:\n{rendered}");
    }

    /// <summary>
    /// The example's stable form: the execution name, the API's id and the task token are per run; the harness names
    /// executions in its own account and region, shown as the dev configuration's.
    /// </summary>
    private static string Normalise(string message)
    {
        var text = ExecutionArn().Replace(message, "arn:aws:states:eu-west-1:123456789012:execution:edgemlops-dev-edge-deployment:<execution name>");
        text = ApprovalApi().Replace(text, "https://<api id>.execute-api.");
        return text.Replace(LocalStateMachine.TaskToken, "<task token>", StringComparison.Ordinal);
    }

    private static string RegionOf(string message) => Region().Match(message).Groups[1].Value;

    [GeneratedRegex(@"arn:aws:states:[a-z0-9-]+:\d{12}:execution:edgemlops-dev-edge-deployment:\S+")]
    private static partial Regex ExecutionArn();

    [GeneratedRegex(@"https://[^.\s]+\.execute-api\.")]
    private static partial Regex ApprovalApi();

    [GeneratedRegex(@"https://([a-z0-9-]+)\.console\.aws\.amazon\.com/states/")]
    private static partial Regex Region();
}
