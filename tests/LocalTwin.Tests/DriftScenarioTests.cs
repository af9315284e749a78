using EdgeMlOps.Contracts;
using EdgeMlOps.LocalTwin.Report;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>
/// The twin's drift scenario, link by link: one device's camera darkens and blurs; the real component scores its
/// frames against the baseline inside the candidate's model file and crosses the threshold; it raises its capture
/// sampling and its new frames reach the bucket; the edge stack's drift rule records the event; the labeling
/// workflow labels the frames; its LabelsUpdated event starts the training workflow, which starts the pipeline with
/// reason drift. The other devices, whose cameras did not change, stay below the threshold.
/// </summary>
[Collection(TwinRunCollection.Name)]
public sealed class DriftScenarioTests(TwinRunFixture twin)
{
    private DriftOutcome Drift => twin.Report.Drift ?? throw new Xunit.Sdk.XunitException("the drift scenario did not run: " + twin.Progress);

    [Fact]
    public void The_darkened_camera_drives_that_device_over_the_threshold_from_a_score_near_zero()
    {
        Assert.Equal("twin-line-02", Drift.Device);
        Assert.Equal(twin.Settings.Edge.Drift.Threshold, Drift.Threshold);
        Assert.Equal(43, Drift.FramesDarkened);
        Assert.True(Drift.ScoreBefore < 0.1, $"score before the change {Drift.ScoreBefore}");
        Assert.True(Drift.ScoreWhenDrifted > Drift.Threshold, $"score {Drift.ScoreWhenDrifted}");
        // An image statistic crossed; the model's predictions do not depend on the image, so theirs did not move.
        var crossed = Drift.StatisticsWhenDrifted.MaxBy(s => s.Value).Key;
        Assert.Contains(crossed, DriftStatistics.ImageStatistics);
        Assert.Equal(Drift.ScoreWhenDrifted, Drift.StatisticsWhenDrifted[crossed]);
        Assert.All(DriftStatistics.PredictionStatistics, p => Assert.Equal(0, Drift.StatisticsWhenDrifted.GetValueOrDefault(p)));
        Assert.All(DriftStatistics.ImageStatistics, i => Assert.True(Drift.StatisticsWhenDrifted[i] > 0.01, string.Join(", ", Drift.StatisticsWhenDrifted)));
    }

    [Fact]
    public void The_drifted_device_raises_its_capture_sampling_and_uploads_the_darkened_frames()
    {
        Assert.NotNull(Drift.CaptureBoostUntil);
        Assert.True(Drift.CaptureBoostUntil > DateTime.UtcNow.AddMinutes(twin.Settings.Edge.Drift.BoostMinutes - 5), $"boost until {Drift.CaptureBoostUntil:O}");
        Assert.Equal(Drift.DarkenedSha256.Distinct().Count(), Drift.DarkenedCaptures.Count);
        Assert.All(Drift.DarkenedCaptures, k => Assert.StartsWith($"{twin.Settings.Labeling.CapturePrefix}{Drift.Device}/", k));
        Assert.True(Drift.UploadsAfter > Drift.UploadsBefore, $"uploads {Drift.UploadsBefore} before, {Drift.UploadsAfter} after");
    }

    [Fact]
    public void The_other_devices_stay_below_the_threshold()
    {
        Assert.Equal(["twin-canary-01", "twin-line-01"], Drift.OtherDevicesMaxScore.Keys.Order(StringComparer.Ordinal));
        Assert.All(Drift.OtherDevicesMaxScore, o => Assert.True(o.Value < Drift.Threshold, $"{o.Key} {o.Value}"));
        Assert.False(Drift.OtherDevicesDrifted);
    }

    [Fact]
    public void The_edge_stacks_drift_rule_records_only_the_drifted_device_in_the_training_apps_table()
    {
        Assert.Contains("DriftEvents", Drift.DriftEventsTable, StringComparison.Ordinal);
        var (driftAt, score) = Assert.Single(Drift.DriftEvents, e => e.Key == Drift.Device).Value;
        Assert.Single(Drift.DriftEvents);
        Assert.True(score > Drift.Threshold, $"score {score}");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", driftAt);
    }

    [Fact]
    public void The_darkened_frames_are_labeled_and_the_labels_start_a_training_with_reason_drift()
    {
        Assert.Equal(Drift.DarkenedCaptures.Count, Drift.DarkenedInManifest);
        Assert.True(twin.Report.LabelRecordsWritten >= Drift.DarkenedInManifest, $"{twin.Report.LabelRecordsWritten} records");
        var retraining = Drift.Retraining ?? throw new Xunit.Sdk.XunitException("the training workflow did not run: " + twin.Progress);
        Assert.Contains("\"trigger\":\"labels-updated\"", retraining.WorkflowInput, StringComparison.Ordinal);
        Assert.True(retraining.ExecutionStatus == "Succeeded", $"{retraining.ExecutionStatus} {retraining.Error}");
        Assert.Equal(1, retraining.DriftedDevicesCounted);
        var (pipeline, parameters, description) = Assert.Single(retraining.PipelineStarts);
        Assert.Equal($"{twin.Settings.NamePrefix}-twin-training", pipeline);
        Assert.Equal(DriftEventsSchema.DriftTrigger, parameters["TriggerSource"]);
        Assert.StartsWith("s3://", parameters["LabelsCsvUri"], StringComparison.Ordinal);
        Assert.StartsWith("Started by the drift trigger", description, StringComparison.Ordinal);
        Assert.Equal(DriftEventsSchema.DriftTrigger, retraining.LastTrainingTrigger);
        Assert.Equal(DriftEventsSchema.DriftTrigger, retraining.RegisteredTriggerSource);
        Assert.Contains("Trigger: drift.", retraining.Notification, StringComparison.Ordinal);
        // Lineage: the package names the labeling jobs behind its labels, the job the labeling run just ran.
        Assert.NotEmpty(retraining.LabeledBy);
        Assert.Equal(string.Join(ModelPackageMetadata.LabelingJobSeparator, retraining.LabeledBy), retraining.RegisteredLabelingJobs);
    }

    [Fact]
    public void The_report_has_one_drift_line_and_fleet_status_shows_the_drifted_device_above_the_threshold()
    {
        var line = Assert.Single(twin.Report.Scenarios, s => s.Name == "drift");
        Assert.True(line.AsIntended, line.Line);
        Assert.StartsWith("scenario drift: retrained (twin-line-02 drift ", line.Line, StringComparison.Ordinal);
        Assert.Contains(line.Line, twin.Report.RenderSummary(), StringComparison.Ordinal);
        var row = Assert.Single(twin.Report.FleetStatus, r => r.ThingName == Drift.Device);
        Assert.True(row.DriftScore > Drift.Threshold, $"fleet status drift {row.DriftScore}");
        Assert.All(twin.Report.FleetStatus.Where(r => r.ThingName != Drift.Device), r => Assert.True(r.DriftScore < Drift.Threshold, $"{r.ThingName} {r.DriftScore}"));
    }
}
