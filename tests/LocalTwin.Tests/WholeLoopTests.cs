using EdgeMlOps.LocalTwin.Report;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>
/// The loop from model approval to device results and back to labeling, run once on this machine with nothing
/// scripted per scenario: the devices install what the workflow deployed and the health gate reads what they report.
/// </summary>
[Collection(TwinRunCollection.Name)]
public sealed class WholeLoopTests(TwinRunFixture twin)
{
    private const string Canary = "twin-canary-01";

    [Fact]
    public void Promotion_rolls_the_approved_model_out_to_the_canary_then_the_fleet_and_every_device_runs_it()
    {
        var promotion = twin.Report.Rollouts.Single(r => r.Scenario == "promotion");

        Assert.True(promotion.ExecutionStatus == "Succeeded", twin.Progress);
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "1.0.0"), (twin.Settings.Edge.FleetThingGroup, "1.0.0") }, promotion.Deployments);
        Assert.All(promotion.DeviceModelVersions.Values, v => Assert.Equal("1.0.0", v));
        Assert.Equal(3, promotion.DeviceModelVersions.Count);
        // The soak: at least its number of consecutive healthy polls for each group.
        var soakPolls = (int)Math.Ceiling(twin.Settings.Edge.HealthGate.SoakMinutes * 60.0 / twin.Settings.Edge.HealthGate.PollIntervalSeconds);
        Assert.True(promotion.HealthPolls >= 2 * soakPolls, $"{promotion.HealthPolls} polls");
        Assert.Contains(promotion.Notifications, n => n.Subject.Contains("approve the fleet rollout", StringComparison.Ordinal));
        Assert.Contains(promotion.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_the_component_reports_errors_with_is_rolled_back_on_the_canary_and_the_fleet_is_untouched()
    {
        var rollback = twin.Report.Rollouts.Single(r => r.Scenario == "rollback");

        Assert.Equal("Failed", rollback.ExecutionStatus);
        Assert.Equal("ReleaseRolledBack", rollback.Error);
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "2.0.0"), (twin.Settings.Edge.CanaryThingGroup, "1.0.0") }, rollback.Deployments);
        Assert.All(rollback.DeviceModelVersions.Values, v => Assert.Equal("1.0.0", v));
        var mail = Assert.Single(rollback.Notifications, n => n.Subject.Contains("rolled back", StringComparison.Ordinal));
        Assert.Contains(Canary, mail.Message, StringComparison.Ordinal);
        // The release has a current model, so the canary runs the faulty candidate in shadow: the current model keeps
        // serving and the heartbeat's shadow block says why the candidate does not run.
        Assert.Contains("the candidate does not run in shadow: the candidate model did not load", mail.Message, StringComparison.Ordinal);
        Assert.Contains("is not a YOLOv8 detection output", mail.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_device_runs_the_very_model_file_the_approved_package_points_at()
    {
        var (approved, onDevice) = twin.Report.ModelHashes;

        Assert.Equal(64, approved.Length);
        Assert.Equal(approved, onDevice);
    }

    [Fact]
    public void Devices_publish_results_with_detections_and_health_messages_to_iot_core()
    {
        Assert.True(twin.Report.ResultsPublished > 0, twin.Progress);
        Assert.Equal(twin.Report.ResultsPublished, twin.Report.DetectionsPublished); // the candidate finds one scratch per frame
        Assert.True(twin.Report.HealthMessages >= 3, $"{twin.Report.HealthMessages} health messages");
    }

    [Fact]
    public void Uncertain_frames_are_uploaded_under_the_capture_prefix_the_labeling_app_scans()
    {
        var (labelingScans, deviceConfigured) = twin.Report.CapturePrefixes;

        Assert.Equal(twin.Settings.Labeling.CapturePrefix, labelingScans);
        Assert.Equal(labelingScans, deviceConfigured);
        Assert.NotEmpty(twin.Report.CapturedObjects);
        Assert.All(twin.Report.CapturedObjects, key => Assert.StartsWith(labelingScans, key, StringComparison.Ordinal));
    }

    [Fact]
    public void The_labeling_workflow_lists_every_captured_image_as_unlabeled_and_writes_its_labels()
    {
        Assert.Equal("Succeeded", twin.Report.LabelingStatus);
        Assert.NotNull(twin.Report.LabelingManifest);
        Assert.True(twin.Report.LoopClosed, twin.Report.Render());
        Assert.Equal(twin.Report.CapturedObjects.Count, twin.Report.LabelRecordsWritten);
        Assert.Equal(twin.Report.CapturedObjects.Count, twin.Report.LabelsUpdatedNewLabels);
    }

    [Fact]
    public void The_report_names_each_step_and_where_the_loop_closed()
    {
        var text = twin.Report.Render();

        Assert.Contains("loop closed", text, StringComparison.Ordinal);
        Assert.Contains("promotion", text, StringComparison.Ordinal);
        Assert.Contains("rollback", text, StringComparison.Ordinal);
        Assert.Equal(9, twin.Report.Steps.Count(s => !s.Title.StartsWith("Staged:", StringComparison.Ordinal))); // the ninth prints fleet status; StagedScenarioTests covers the staged steps
        Assert.Contains("rollback   rolled back as intended (execution Failed with ReleaseRolledBack)", twin.Report.RenderSummary(), StringComparison.Ordinal);
        Assert.Contains("promotion  promoted as intended", twin.Report.RenderSummary(), StringComparison.Ordinal);
        Assert.DoesNotContain("[1]", twin.Report.RenderSummary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_scenario_prints_one_line_with_its_outcome_and_reason_and_every_one_ended_as_intended()
    {
        var summary = twin.Report.RenderSummary();

        Assert.All(twin.Report.Scenarios, s => Assert.True(s.AsIntended, s.Line));
        Assert.Contains("scenario promotion: promoted (canary and fleet passed the health gate)", summary, StringComparison.Ordinal);
        var rollback = Assert.Single(twin.Report.Scenarios, s => s.Name == "rollback");
        Assert.Equal(ScenarioOutcome.RolledBack, rollback.Outcome);
        Assert.Contains(rollback.Line, summary, StringComparison.Ordinal);
        Assert.True(twin.Report.AllAsIntended, summary);
    }

    [Fact]
    public void The_workflow_created_one_model_component_version_per_approved_package_beside_the_stacks_components()
    {
        var model = twin.Settings.Edge.ModelComponentName;

        Assert.StartsWith("com.edgemlops.DevicePrerequisites:1.0.", twin.Report.PrerequisitesComponentVersion);
        Assert.Equal(
            [twin.Report.PrerequisitesComponentVersion, $"{twin.Settings.Edge.InferenceComponentName}:{twin.Report.InferenceComponentVersion}", $"{model}:1.0.0", $"{model}:2.0.0"],
            twin.Report.ComponentVersions);
    }

    [Fact]
    public void The_ledger_holds_the_released_and_the_rolled_back_package_and_fleet_status_joins_every_device_to_its_release()
    {
        var released = Assert.Single(twin.Report.Releases, r => r.Status == "released");
        var rolledBack = Assert.Single(twin.Report.Releases, r => r.Status == "rolled-back");

        Assert.Equal("1.0.0", released.ModelComponentVersion);
        Assert.Equal(["approval", "canary", "canaryHealth", "fleet", "fleetHealth"], released.Phases.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2.0.0", rolledBack.ModelComponentVersion);
        // The faulty model is the second release: its canary runs it in shadow first, and that phase fails.
        Assert.Equal("unhealthy", rolledBack.Phases["shadowHealth"].Outcome);
        Assert.Equal("rolled-back", rolledBack.Phases["rollback"].Outcome);
        Assert.Equal(3, twin.Report.FleetStatus.Count);
        // Each row is the device's latest heartbeat joined to the ledger record of the model it reported; the fleet
        // never got the faulty model. (The canary's last heartbeat may still be the faulty model's ERRORED one when
        // the restarted component has not reported yet: fleet status shows what the heartbeat store holds.)
        Assert.All(twin.Report.FleetStatus, row =>
        {
            var release = Assert.Single(twin.Report.Releases, r => r.ModelComponentVersion == row.ModelComponentVersion);
            Assert.Equal(release.ModelPackageVersion, row.ModelPackageVersion);
            Assert.Equal(release.ModelPackageArn, row.ModelPackageArn);
            Assert.Equal(release.Status, row.ReleaseStatus);
            Assert.Equal(release.TrainingPipelineExecution, row.TrainingPipelineExecution);
        });
        Assert.All(twin.Report.FleetStatus.Where(r => r.ThingName != Canary), row => Assert.Equal(("1.0.0", "released"), (row.ModelComponentVersion, row.ReleaseStatus)));
        Assert.Contains(Canary, twin.Report.FleetStatusTable, StringComparison.Ordinal);
        Assert.Contains("fleet status", twin.Report.RenderSummary(), StringComparison.Ordinal);
    }
}
