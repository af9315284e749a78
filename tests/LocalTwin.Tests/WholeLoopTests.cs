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
    public void First_release_is_promoted_on_acceptance_alone_to_the_canary_then_the_fleet_without_a_shadow_phase()
    {
        var first = Rollout("first-release");

        Assert.True(first.ExecutionStatus == "Succeeded", twin.Progress);
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "1.0.0"), (twin.Settings.Edge.FleetThingGroup, "1.0.0") }, first.Deployments);
        Assert.All(first.DeviceModelVersions.Values, v => Assert.Equal("1.0.0", v));
        Assert.Equal(3, first.DeviceModelVersions.Count);
        Assert.All(first.ModelVersionsInstalled.Values, installed => Assert.Equal(["1.0.0"], installed));
        // The soak: at least its number of consecutive healthy polls for each group.
        var soakPolls = (int)Math.Ceiling(twin.Settings.Edge.HealthGate.SoakMinutes * 60.0 / twin.Settings.Edge.HealthGate.PollIntervalSeconds);
        Assert.True(first.HealthPolls >= 2 * soakPolls, $"{first.HealthPolls} polls");
        // No current model: no shadow, but the canary ran the model's acceptance set before serving.
        Assert.Null(first.CanaryShadow);
        Assert.Equal(("passed", 1.0), (first.CanaryAcceptance?.Status, first.CanaryAcceptance?.Parity));
        var approval = Assert.Single(first.Notifications, n => n.Subject.Contains("approve the fleet rollout", StringComparison.Ordinal));
        Assert.Contains("No shadow evaluation: the group had no current model", approval.Message, StringComparison.Ordinal);
        // The approval e-mail carries the canary's on-device acceptance evidence per device (issue 14), from the real rule and Lambda.
        Assert.Contains($"  {Canary}: passed, precision ", approval.Message, StringComparison.Ordinal);
        Assert.Contains(first.Notifications, n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal));
        Assert.Equal(["approval", "canary", "canaryHealth", "fleet", "fleetHealth"], Release(1).Phases.Keys.Order(StringComparer.Ordinal));
        var line = Scenario("first-release");
        Assert.Equal(ScenarioOutcome.Promoted, line.Outcome);
        Assert.StartsWith($"{Canary} acceptance passed: parity 1 (4/4 boxes) on 4 image(s); No shadow evaluation", line.Reason, StringComparison.Ordinal);
        Assert.EndsWith("canaryHealth healthy, approval approved, fleetHealth healthy", line.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_candidate_agrees_with_the_current_model_in_shadow_on_the_canary_then_serves_there_and_on_the_fleet()
    {
        var good = Rollout("good");

        Assert.True(good.ExecutionStatus == "Succeeded", twin.Progress);
        // The canary twice (the candidate in shadow beside the current model, then serving), then the fleet.
        var canary = twin.Settings.Edge.CanaryThingGroup;
        Assert.Equal(new[] { (canary, "2.0.0"), (canary, "2.0.0"), (twin.Settings.Edge.FleetThingGroup, "2.0.0") }, good.Deployments);
        Assert.All(good.DeviceModelVersions.Values, v => Assert.Equal("2.0.0", v));
        Assert.All(good.ModelVersionsInstalled.Values, installed => Assert.Equal(["2.0.0"], installed));
        // Which model served, from the results: on the canary the current model (1.0.0, confidence 0.45) keeps
        // publishing, under its own version, while the candidate runs in shadow; then the candidate (0.5) serves.
        Assert.Equal(["1.0.0: scratch 0.45 [150,106,300,196]", "2.0.0: scratch 0.5 [150,106,300,196]"], good.PublishedDetections[Canary]);
        Assert.All(good.PublishedDetections.Where(kv => kv.Key != Canary), kv => Assert.Equal(["1.0.0: scratch 0.45 [150,106,300,196]", "2.0.0: scratch 0.5 [150,106,300,196]"], kv.Value));
        var shadow = Assert.IsType<EdgeMlOps.Contracts.HealthShadow>(good.CanaryShadow);
        Assert.Equal("2.0.0", shadow.CandidateVersion);
        Assert.True(shadow.FramesCompared >= twin.Settings.Edge.HealthGate.Shadow.MinFramesCompared, $"{shadow.FramesCompared} frames compared");
        Assert.Equal((1.0, 0L, 0.0), (shadow.BoxF1, shadow.MissedDefectFrames, shadow.DefectRateDifference));
        Assert.Equal(("passed", 1.0), (good.CanaryAcceptance?.Status, good.CanaryAcceptance?.Parity));
        // The person approving the fleet rollout sees the shadow numbers.
        var approval = Assert.Single(good.Notifications, n => n.Subject.Contains("approve the fleet rollout", StringComparison.Ordinal));
        Assert.Contains("Shadow evaluation of the candidate against the current model on 1 canary device(s)", approval.Message, StringComparison.Ordinal);
        Assert.Contains("box F1 min 1, mean 1", approval.Message, StringComparison.Ordinal);
        var release = Release(2);
        Assert.Equal("released", release.Status);
        Assert.Equal(["approval", "canary", "canaryHealth", "fleet", "fleetHealth", "shadow", "shadowHealth"], release.Phases.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("healthy", release.Phases["shadowHealth"].Outcome);
        var line = Scenario("good");
        Assert.Equal(ScenarioOutcome.Promoted, line.Outcome);
        Assert.Contains("Shadow evaluation of the candidate against the current model on 1 canary device(s)", line.Reason, StringComparison.Ordinal);
        Assert.Contains("box F1 min 1, mean 1", line.Reason, StringComparison.Ordinal);
        Assert.EndsWith("shadowHealth healthy, canaryHealth healthy, approval approved, fleetHealth healthy", line.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blind_candidate_shipped_with_the_good_models_evaluation_fails_acceptance_on_the_canary_and_is_rolled_back_with_the_fleet_untouched()
    {
        var blind = Rollout("blind");

        Assert.Equal(("Failed", "ReleaseRolledBack"), (blind.ExecutionStatus, blind.Error));
        // The canary only: the candidate in shadow, then the rollback to the current model; no fleet deployment.
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "3.0.0"), (twin.Settings.Edge.CanaryThingGroup, "2.0.0") }, blind.Deployments);
        Assert.Equal(["3.0.0", "2.0.0"], blind.ModelVersionsInstalled[Canary]);
        AssertFleetUntouched(blind);
        // Nothing was ever published under the blind model's version.
        Assert.All(blind.PublishedDetections.Values, published => Assert.DoesNotContain(published, p => p.StartsWith("3.0.0", StringComparison.Ordinal)));
        // The component ran the set the good model was evaluated with on the blind file: nothing reproduced.
        var acceptance = Assert.IsType<EdgeMlOps.Contracts.HealthAcceptance>(blind.CanaryAcceptance);
        Assert.Equal(("failed", 0.0, 0, false), (acceptance.Status, acceptance.Parity, acceptance.DeviceBoxes, acceptance.ModelMatches));
        var mail = Assert.Single(blind.Notifications, n => n.Subject.Contains("rolled back", StringComparison.Ordinal));
        Assert.Contains("MODEL_QUALITY_FAILED", mail.Message, StringComparison.Ordinal);
        var release = Release(3);
        Assert.Equal("rolled-back", release.Status);
        Assert.Equal("unhealthy", release.Phases["shadowHealth"].Outcome);
        Assert.DoesNotContain("fleet", release.Phases.Keys);
        var line = Scenario("blind");
        Assert.Equal(ScenarioOutcome.RolledBack, line.Outcome);
        Assert.StartsWith($"shadowHealth unhealthy: {Canary}: the model failed its on-device acceptance check (MODEL_QUALITY_FAILED): acceptance failed: parity 0.000 < 0.9", line.Reason, StringComparison.Ordinal);
        Assert.Contains("the set was computed for another model file (SHA-256 differs)", line.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disagreeing_candidate_passes_its_own_acceptance_but_fails_shadow_against_the_current_model_and_is_rolled_back()
    {
        var disagreeing = Rollout("disagreeing");

        Assert.Equal(("Failed", "ReleaseRolledBack"), (disagreeing.ExecutionStatus, disagreeing.Error));
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "4.0.0"), (twin.Settings.Edge.CanaryThingGroup, "2.0.0") }, disagreeing.Deployments);
        Assert.Equal(["4.0.0", "2.0.0"], disagreeing.ModelVersionsInstalled[Canary]);
        AssertFleetUntouched(disagreeing);
        // Its own (honest) acceptance set passes: only the comparison with the current model sees the problem.
        Assert.Equal(("passed", 1.0), (disagreeing.CanaryAcceptance?.Status, disagreeing.CanaryAcceptance?.Parity));
        var shadow = Assert.IsType<EdgeMlOps.Contracts.HealthShadow>(disagreeing.CanaryShadow);
        Assert.Equal("4.0.0", shadow.CandidateVersion);
        Assert.True(shadow.FramesCompared >= twin.Settings.Edge.HealthGate.Shadow.MinFramesCompared, $"{shadow.FramesCompared} frames compared");
        Assert.Equal((0.0, 0L), (shadow.BoxF1, shadow.MatchedBoxes));
        // Nothing the candidate finds (its box in the top left) is published: every device's results are the current model's.
        Assert.All(disagreeing.PublishedDetections.Values, published => Assert.Equal(["2.0.0: scratch 0.5 [150,106,300,196]"], published));
        Assert.Equal("unhealthy", Release(4).Phases["shadowHealth"].Outcome);
        Assert.Equal("rolled-back", Release(4).Status);
        var line = Scenario("disagreeing");
        Assert.Equal(ScenarioOutcome.RolledBack, line.Outcome);
        Assert.Equal($"shadowHealth unhealthy: {Canary}: shadow evaluation failed: box F1 against the current model 0 < 0.5", line.Reason);
    }

    [Fact]
    public void A_model_the_component_cannot_load_is_rolled_back_on_the_canary_and_the_fleet_is_untouched()
    {
        var faulty = Rollout("faulty");

        Assert.Equal("Failed", faulty.ExecutionStatus);
        Assert.Equal("ReleaseRolledBack", faulty.Error);
        Assert.Equal(new[] { (twin.Settings.Edge.CanaryThingGroup, "5.0.0"), (twin.Settings.Edge.CanaryThingGroup, "2.0.0") }, faulty.Deployments);
        AssertFleetUntouched(faulty);
        var mail = Assert.Single(faulty.Notifications, n => n.Subject.Contains("rolled back", StringComparison.Ordinal));
        Assert.Contains(Canary, mail.Message, StringComparison.Ordinal);
        // The release has a current model, so the canary runs the faulty candidate in shadow: the current model keeps
        // serving and the heartbeat's shadow block says why the candidate does not run.
        Assert.Contains("the candidate does not run in shadow: the candidate model did not load", mail.Message, StringComparison.Ordinal);
        Assert.Contains("is not a YOLOv8 detection output", mail.Message, StringComparison.Ordinal);
        Assert.Equal(0, faulty.CanaryShadow?.FramesCompared);
        Assert.StartsWith($"shadowHealth unhealthy: {Canary}: shadow evaluation failed: the candidate does not run in shadow: the candidate model did not load", Scenario("faulty").Reason, StringComparison.Ordinal);
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
        Assert.Equal(14, twin.Report.Steps.Count(s => !s.Title.StartsWith("Staged:", StringComparison.Ordinal))); // five rollouts; the twelfth prints fleet status; the eleventh and fourteenth are the drift scenario's; StagedScenarioTests covers the staged steps
        Assert.Contains("faulty        rolled back as intended (execution Failed with ReleaseRolledBack)", twin.Report.RenderSummary(), StringComparison.Ordinal);
        Assert.Contains("first-release promoted as intended", twin.Report.RenderSummary(), StringComparison.Ordinal);
        Assert.DoesNotContain("[1]", twin.Report.RenderSummary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_scenario_prints_one_line_with_its_outcome_and_reason_and_every_one_ended_as_intended()
    {
        var summary = twin.Report.RenderSummary();

        Assert.All(twin.Report.Scenarios, s => Assert.True(s.AsIntended, s.Line));
        // In release order, so that each candidate meets the current model it is meant to.
        // The drift scenario runs on the good model after the releases; the staged promotion (StagedScenarioTests) runs last, on its own stages.
        Assert.Equal(["first-release", "good", "blind", "disagreeing", "faulty", "drift", "staged"], twin.Report.Scenarios.Select(s => s.Name));
        Assert.Equal([ScenarioOutcome.Promoted, ScenarioOutcome.Promoted, ScenarioOutcome.RolledBack, ScenarioOutcome.RolledBack, ScenarioOutcome.RolledBack, "retrained", ScenarioOutcome.Promoted],
            twin.Report.Scenarios.Select(s => s.Outcome));
        Assert.All(twin.Report.Scenarios, s => Assert.Contains($"scenario {s.Name}: {s.Outcome} ({s.Reason})", summary, StringComparison.Ordinal));
        Assert.True(twin.Report.AllAsIntended, summary);
    }

    [Fact]
    public void The_workflow_created_one_model_component_version_per_approved_package_beside_the_stacks_components()
    {
        var model = twin.Settings.Edge.ModelComponentName;

        Assert.StartsWith("com.edgemlops.DevicePrerequisites:1.0.", twin.Report.PrerequisitesComponentVersion);
        Assert.Equal(
            [twin.Report.PrerequisitesComponentVersion, $"{twin.Settings.Edge.InferenceComponentName}:{twin.Report.InferenceComponentVersion}",
                $"{model}:1.0.0", $"{model}:2.0.0", $"{model}:3.0.0", $"{model}:4.0.0", $"{model}:5.0.0"],
            twin.Report.ComponentVersions);
    }

    [Fact]
    public void The_ledger_holds_every_release_with_its_phases_and_fleet_status_joins_every_device_to_its_release()
    {
        Assert.Equal([(1L, "released"), (2L, "released"), (3L, "rolled-back"), (4L, "rolled-back"), (5L, "rolled-back")],
            twin.Report.Releases.Select(r => (r.ModelPackageVersion, r.Status)).Order());
        Assert.Equal("1.0.0", Release(1).ModelComponentVersion);
        // Only a release with a current model runs in shadow first; each rolled-back one failed there.
        Assert.DoesNotContain("shadowHealth", Release(1).Phases.Keys);
        Assert.Equal("healthy", Release(2).Phases["shadowHealth"].Outcome);
        foreach (var version in new[] { 3, 4, 5 })
        {
            Assert.Equal($"{version}.0.0", Release(version).ModelComponentVersion);
            Assert.Equal("unhealthy", Release(version).Phases["shadowHealth"].Outcome);
            Assert.Equal("rolled-back", Release(version).Phases["rollback"].Outcome);
        }

        Assert.Equal(3, twin.Report.FleetStatus.Count);
        // Each row is the device's latest heartbeat joined to the ledger record of the model it reported; the fleet
        // never got a rolled-back model. (The canary's last heartbeat may still be the faulty candidate's when the
        // restarted component has not reported yet: fleet status shows what the heartbeat store holds.)
        Assert.All(twin.Report.FleetStatus, row =>
        {
            var release = Assert.Single(twin.Report.Releases, r => r.ModelComponentVersion == row.ModelComponentVersion);
            Assert.Equal(release.ModelPackageVersion, row.ModelPackageVersion);
            Assert.Equal(release.ModelPackageArn, row.ModelPackageArn);
            Assert.Equal(release.Status, row.ReleaseStatus);
            Assert.Equal(release.TrainingPipelineExecution, row.TrainingPipelineExecution);
        });
        Assert.All(twin.Report.FleetStatus.Where(r => r.ThingName != Canary), row => Assert.Equal(("2.0.0", "released"), (row.ModelComponentVersion, row.ReleaseStatus)));
        Assert.Contains(Canary, twin.Report.FleetStatusTable, StringComparison.Ordinal);
        Assert.Contains("fleet status", twin.Report.RenderSummary(), StringComparison.Ordinal);
    }

    private RolloutOutcome Rollout(string scenario) => Assert.Single(twin.Report.Rollouts, r => r.Scenario == scenario);

    private ScenarioOutcome Scenario(string name) => Assert.Single(twin.Report.Scenarios, s => s.Name == name);

    private EdgeMlOps.Contracts.ReleaseRecord Release(int packageVersion) => Assert.Single(twin.Report.Releases, r => r.ModelPackageVersion == packageVersion);

    /// <summary>No deployment to the fleet group, and the fleet devices installed nothing and still run the current model.</summary>
    private void AssertFleetUntouched(RolloutOutcome rollout)
    {
        Assert.DoesNotContain(rollout.Deployments, d => d.Target == twin.Settings.Edge.FleetThingGroup);
        Assert.All(rollout.DeviceModelVersions, kv => Assert.Equal("2.0.0", kv.Value));
        Assert.All(rollout.ModelVersionsInstalled.Where(kv => kv.Key != Canary), kv => Assert.Empty(kv.Value));
    }
}
