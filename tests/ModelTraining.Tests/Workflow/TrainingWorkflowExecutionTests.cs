using System.Text.Json.Nodes;
using EdgeMlOps.ModelTraining.Tests.Stage;
using EdgeMlOps.Testing.CloudFormation;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ModelTraining.Tests.Workflow;

/// <summary>
/// The synthesized training state machine executed locally (aws-local-stepfunctions): every AWS call is answered
/// by a response fixture shaped like the real API response (PascalCase, as Step Functions returns it).
/// </summary>
public sealed class TrainingWorkflowExecutionTests : IClassFixture<TrainingStageFixture>
{
    private const string PipelineExecutionArn = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/edgemlops-dev-training/execution/abc123";
    private const string ModelPackageArn = "arn:aws:sagemaker:us-east-1:111111111111:model-package/edgemlops-dev-defect-detector/3";
    private const string LabelsCsv = "s3://artifacts/athena-results/0f1e2d.csv";
    private const string ImagePresent = """{"ImageDetails":[{"RegistryId":"111111111111","RepositoryName":"edgemlops-dev-training","ImageDigest":"sha256:4f1c","ImageTags":["0123456789abcdef"]}]}""";

    // Each test builds its own machine, so its first execution is always "local-1".
    private const string UpdateItem = "arn:aws:states:::dynamodb:updateItem";

    private readonly LocalStateMachine _machine;
    private readonly string _selfArn;
    private readonly FakeRetrainCounter _counter = new();
    private readonly FakeDriftEvents _drift = new();

    public TrainingWorkflowExecutionTests(TrainingStageFixture stage)
    {
        _machine = LocalStateMachine.FromTemplate(stage.Json.DeepClone());
        _selfArn = FakeAws.Arn("states", $"execution:{_machine.Name}:local-1");
    }

    [Fact]
    public async Task Registers_a_model_and_notifies_its_metrics_after_polling_until_the_pipeline_succeeds()
    {
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Executing"), Status("Executing"), Status("Succeeded"))
            .Respond("ListSucceededSteps", Steps(
                Step("PrepareDataset", "Succeeded"),
                Step("Train", "Succeeded"),
                Step("Evaluate", "Succeeded"),
                Step("CheckMapThreshold", "Succeeded"),
                new JsonObject { ["StepName"] = "RegisterModel", ["StepStatus"] = "Succeeded", ["Metadata"] = new JsonObject { ["RegisterModel"] = new JsonObject { ["Arn"] = ModelPackageArn } } }))
            .Respond("DescribeRegisteredModelPackage", new JsonObject
            {
                ["ModelPackageArn"] = ModelPackageArn,
                ["ModelPackageGroupName"] = "edgemlops-dev-defect-detector",
                ["ModelApprovalStatus"] = "PendingManualApproval",
                ["CustomerMetadataProperties"] = new JsonObject
                {
                    ["map50"] = "0.734", ["mapThreshold"] = "0.5", ["map50_95"] = "0.412", ["precision"] = "0.81", ["recall"] = "0.66",
                    ["datasetSnapshotId"] = "9a8b7c6d5e4f3a2b", ["labelCount"] = "385", ["imageCount"] = "188", ["sourceCommit"] = "bb7a3c3",
                },
            }.ToJsonString())
            .Respond("NotifyModelRegistered", "{\"MessageId\":\"m-1\"}");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("ModelRegistered", result.EnteredStates[^1]);
        Assert.Equal(3, result.InvocationsOf("DescribePipelineExecution").Count);

        var start = Assert.Single(result.InvocationsOf("StartPipelineExecution")).Parameters!;
        Assert.Equal("edgemlops-dev-training", start["PipelineName"]!.GetValue<string>());
        var parameters = start["PipelineParameters"]!.AsArray().ToDictionary(p => p!["Name"]!.GetValue<string>(), p => p!["Value"]!.GetValue<string>());
        Assert.Equal(LabelsCsv, parameters["LabelsCsvUri"]);
        Assert.Equal("schedule", parameters["TriggerSource"]);
        Assert.Equal(64, start["ClientRequestToken"]!.GetValue<string>().Length);

        var query = Assert.Single(result.InvocationsOf("QueryApprovedLabels")).Parameters!["QueryString"]!.GetValue<string>();
        Assert.Contains("PARTITION BY source_ref ORDER BY event_time DESC, write_time DESC", query, StringComparison.Ordinal);
        Assert.Contains("rn = 1 AND status = 'APPROVED' AND NOT is_deleted", query, StringComparison.Ordinal);

        Assert.Equal(ModelPackageArn, Assert.Single(result.InvocationsOf("DescribeRegisteredModelPackage")).Parameters!["ModelPackageName"]!.GetValue<string>());
        var message = Message(result, "NotifyModelRegistered");
        Assert.Contains(ModelPackageArn, message, StringComparison.Ordinal);
        Assert.Contains("PendingManualApproval", message, StringComparison.Ordinal);
        Assert.Contains("mAP50 0.734 (threshold 0.5)", message, StringComparison.Ordinal);
        Assert.Contains("385 boxes on 188 images", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registers_nothing_and_says_why_when_map_is_below_the_threshold()
    {
        const string reason = "Model not registered: mAP50 on the test split is 0.312 which is below the threshold 0.5";
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Failed"))
            .Respond("ListFailedSteps", Steps(
                Step("PrepareDataset", "Succeeded"),
                Step("Train", "Succeeded"),
                Step("Evaluate", "Succeeded"),
                Step("CheckMapThreshold", "Succeeded"),
                Step("MapBelowThreshold", "Failed", reason)))
            .Respond("NotifyModelBelowThreshold", "{\"MessageId\":\"m-2\"}");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("ModelNotRegistered", result.EnteredStates[^1]);
        Assert.Empty(result.InvocationsOf("DescribeRegisteredModelPackage"));
        Assert.DoesNotContain("NotifyModelRegistered", result.EnteredStates);
        var message = Message(result, "NotifyModelBelowThreshold");
        Assert.Contains("No model was registered", message, StringComparison.Ordinal);
        Assert.Contains("0.312", message, StringComparison.Ordinal);
        Assert.Contains("threshold 0.5", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_and_names_the_failing_step_and_its_reason_when_the_pipeline_fails()
    {
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Executing"), Status("Failed"))
            .Respond("ListFailedSteps", Steps(
                Step("PrepareDataset", "Succeeded"),
                Step("Train", "Failed", "AlgorithmError: CUDA out of memory")))
            .Respond("NotifyPipelineFailed", "{\"MessageId\":\"m-3\"}");

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 120), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("PipelineFailed", result.Error);
        Assert.Empty(result.InvocationsOf("NotifyModelRegistered"));
        var message = Message(result, "NotifyPipelineFailed");
        Assert.Contains("step Train failed: AlgorithmError: CUDA out of memory", message, StringComparison.Ordinal);
        Assert.Contains("Trigger: labels-updated", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_and_says_so_when_someone_stops_the_pipeline()
    {
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Stopping"), Status("Stopped"))
            .Respond("NotifyPipelineStopped", "{\"MessageId\":\"m-8\"}");

        var result = await _machine.RunAsync(Trigger("manual"), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("PipelineStopped", result.Error);
        Assert.Empty(result.InvocationsOf("ListFailedSteps"));
        Assert.Contains("was Stopped before it finished", Message(result, "NotifyPipelineStopped"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ignores_a_trigger_while_an_older_workflow_execution_is_running()
    {
        var older = FakeAws.Arn("states", $"execution:{_machine.Name}:scheduled-run");
        var scenario = new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }
            .Handle(UpdateItem, _counter)
            .Handle(FakeDriftEvents.Scan, _drift)
            .Respond("ListRunningWorkflows", Executions(_selfArn, older));

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 80), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("IgnoreDuplicateTrigger", result.EnteredStates[^1]);
        Assert.Empty(result.InvocationsOf("QueryApprovedLabels"));
        Assert.Empty(result.InvocationsOf("StartPipelineExecution"));
        var list = Assert.Single(result.InvocationsOf("ListRunningWorkflows")).Parameters!;
        Assert.Equal("RUNNING", list["StatusFilter"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ignores_a_trigger_while_a_pipeline_execution_is_in_progress()
    {
        var scenario = new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }
            .Respond("ListRunningWorkflows", Executions(_selfArn))
            .Respond("ListRunningPipelineExecutions", PipelineExecutions(("Succeeded", "old"), ("Executing", "manual-from-console")));

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("IgnoreDuplicateTrigger", result.EnteredStates[^1]);
        Assert.Empty(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task The_oldest_running_execution_goes_on_when_triggers_overlap()
    {
        var newer = FakeAws.Arn("states", $"execution:{_machine.Name}:newer-duplicate");
        var scenario = NoRunInProgress(Executions(newer, _selfArn))
            .Respond("DescribePipelineExecution", Status("Failed"))
            .Respond("ListFailedSteps", Steps(Step("MapBelowThreshold", "Failed", "Model not registered: mAP50 on the test split is 0.1 which is below the threshold 0.5")))
            .Respond("NotifyModelBelowThreshold", "{\"MessageId\":\"m-4\"}");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Single(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task Starts_nothing_for_an_event_with_too_few_new_labels_but_counts_them()
    {
        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 49), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("SkipTooFewNewLabels", result.EnteredStates[^1]);
        Assert.Equal(["CountNewLabels", "FindDriftSinceLastTraining"], result.TaskInvocations.Select(t => t.StateName));
        Assert.Equal(49, _counter.NewLabels());
        Assert.Contains("NewLabelCounter", _counter.TableName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_small_events_below_the_minimum_then_one_that_crosses_it_start_exactly_one_training()
    {
        var first = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 20), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));
        var second = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 20), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));
        Assert.Equal(40, _counter.NewLabels());
        var third = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 15), StoppedRun(SelfArn(3)));

        Assert.Equal("SkipTooFewNewLabels", first.EnteredStates[^1]);
        Assert.Equal("SkipTooFewNewLabels", second.EnteredStates[^1]);
        Assert.Equal([0, 0, 1], new[] { first, second, third }.Select(r => r.InvocationsOf("StartPipelineExecution").Count));
        var start = Assert.Single(third.InvocationsOf("StartPipelineExecution")).Parameters!;
        Assert.Contains(start["PipelineParameters"]!.AsArray(), p => p!["Name"]!.GetValue<string>() == "TriggerSource" && p["Value"]!.GetValue<string>() == "labels-updated");

        // The training sees every label so far, so the count since the last training starts again.
        Assert.Single(third.InvocationsOf("ResetNewLabelCount"));
        Assert.Equal(0, _counter.NewLabels());
        Assert.Equal("labels-updated", _counter.Text("lastTrainingTrigger"));
    }

    [Fact]
    public async Task A_scheduled_training_resets_the_count_so_earlier_small_events_do_not_add_up_with_later_ones()
    {
        await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 30), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));
        var scheduled = await _machine.RunAsync(Trigger("schedule"), StoppedRun(SelfArn(2)));
        Assert.Single(scheduled.InvocationsOf("StartPipelineExecution"));
        Assert.Empty(scheduled.InvocationsOf("CountNewLabels"));
        Assert.Equal(0, _counter.NewLabels());
        Assert.Equal("schedule", _counter.Text("lastTrainingTrigger"));

        var later = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 30), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));

        Assert.Equal("SkipTooFewNewLabels", later.EnteredStates[^1]);
        Assert.Equal(30, _counter.NewLabels());
    }

    [Fact]
    public async Task Labels_counted_while_a_training_runs_are_kept_for_the_next_one()
    {
        var scenario = Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail })
            .Respond("ListRunningWorkflows", Executions(_selfArn))
            .Respond("ListRunningPipelineExecutions", PipelineExecutions(("Executing", "scheduled-run")));

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 60), scenario);

        Assert.Equal("IgnoreDuplicateTrigger", result.EnteredStates[^1]);
        Assert.Empty(result.InvocationsOf("ResetNewLabelCount"));
        Assert.Equal(60, _counter.NewLabels());
    }

    [Fact]
    public async Task Labels_after_a_device_drifted_start_a_training_with_reason_drift_below_the_label_minimum()
    {
        _drift.Record("press-07", DateTimeOffset.UtcNow.AddMinutes(-20));

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(_selfArn));

        Assert.True(result.Status == ExecutionStatus.Succeeded || result.Status == ExecutionStatus.Failed, result.ToString());
        Assert.Contains("TakeDriftAsTrigger", result.EnteredStates);
        var start = Assert.Single(result.InvocationsOf("StartPipelineExecution")).Parameters!;
        Assert.Contains(start["PipelineParameters"]!.AsArray(), p => p!["Name"]!.GetValue<string>() == "TriggerSource" && p["Value"]!.GetValue<string>() == "drift");
        Assert.Equal("drift", _counter.Text("lastTrainingTrigger"));
        Assert.Contains("DriftEvents", _drift.TableName, StringComparison.Ordinal);
        // The notification states the reason.
        var notice = Assert.Single(result.InvocationsOf("NotifyPipelineStopped")).Parameters!["Message"]!.GetValue<string>();
        Assert.Contains("Trigger: drift.", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drift_before_the_last_training_does_not_start_another_and_the_label_count_decides_again()
    {
        _drift.Record("press-07", DateTimeOffset.UtcNow.AddHours(-3));
        var first = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(_selfArn));
        Assert.Single(first.InvocationsOf("StartPipelineExecution"));

        var second = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));

        Assert.Equal("SkipTooFewNewLabels", second.EnteredStates[^1]);
        Assert.DoesNotContain("TakeDriftAsTrigger", second.EnteredStates);
        Assert.Equal(5, _counter.NewLabels());
    }

    [Fact]
    public async Task A_device_that_stays_drifted_retrains_once_per_drifted_period_not_once_per_labeling_run()
    {
        var now = DateTimeOffset.UtcNow;
        _drift.Record("press-07", now.AddMinutes(-1), driftedSince: now.AddMinutes(-20));
        var first = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(_selfArn));
        Assert.Contains("TakeDriftAsTrigger", first.EnteredStates);
        Assert.NotNull(_counter.Text(EdgeMlOps.Contracts.DriftEventsSchema.DriftTrainingAt));

        // Still drifted after that training started (a later drifted message, same period): the next labels do not retrain.
        _drift.Record("press-07", DateTimeOffset.UtcNow.AddMinutes(1), driftedSince: now.AddMinutes(-20));
        var second = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }));
        Assert.DoesNotContain("TakeDriftAsTrigger", second.EnteredStates);
        Assert.Equal("SkipTooFewNewLabels", second.EnteredStates[^1]);
        Assert.Equal(0, second.InvocationsOf("FindDriftSinceLastTraining").Single().Output!["Count"]!.GetValue<int>());

        // The boost lapsed and the device drifted again: a new period, one more retraining.
        _drift.Record("press-07", DateTimeOffset.UtcNow.AddMinutes(3), driftedSince: DateTimeOffset.UtcNow.AddMinutes(2));
        var third = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(SelfArn(3)));
        Assert.Contains("TakeDriftAsTrigger", third.EnteredStates);
        Assert.Equal("drift", _counter.Text("lastTrainingTrigger"));
    }

    [Fact]
    public async Task A_scheduled_training_inside_a_drifted_period_does_not_use_up_its_drift_retraining()
    {
        var now = DateTimeOffset.UtcNow;
        _drift.Record("press-07", now.AddMinutes(-1), driftedSince: now.AddMinutes(-20));
        await _machine.RunAsync(Trigger("schedule"), StoppedRun(_selfArn));
        Assert.Equal("schedule", _counter.Text("lastTrainingTrigger"));
        Assert.NotNull(_counter.Text("scheduleTrainingAt"));
        Assert.Null(_counter.Text(EdgeMlOps.Contracts.DriftEventsSchema.DriftTrainingAt));

        // The device drifts on after the scheduled training; the labels of its period then retrain with reason drift.
        _drift.Record("press-07", DateTimeOffset.UtcNow.AddMinutes(1), driftedSince: now.AddMinutes(-20));
        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(SelfArn(2)));

        Assert.Contains("TakeDriftAsTrigger", result.EnteredStates);
        var reset = Assert.Single(result.InvocationsOf("ResetNewLabelCount")).Parameters!;
        Assert.Equal("driftTrainingAt", reset["ExpressionAttributeNames"]!["#triggerTrainingAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_drift_scan_reads_every_page_of_a_large_table_and_finds_a_drift_beyond_the_first()
    {
        // 10,000 devices whose drift is older than the last training (about 1.6 MB of items: more than one 1 MB
        // scan page), then one drifted after it, whose key sorts last: only the last page holds it.
        var lastTraining = DateTimeOffset.UtcNow.AddHours(-1);
        await _machine.RunAsync(Trigger("schedule"), StoppedRun(_selfArn));
        for (var i = 0; i < 10_000; i++)
        {
            _drift.Record($"press-{i:D5}", lastTraining.AddDays(-2));
        }

        _drift.Record("zz-press-late", DateTimeOffset.UtcNow.AddMinutes(5));

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), StoppedRun(SelfArn(2)));

        Assert.True(_drift.Pages >= 2, $"{_drift.Pages} page(s)");
        Assert.Equal(_drift.Pages, result.InvocationsOf("FindDriftSinceLastTraining").Count + result.InvocationsOf("FindMoreDriftSinceLastTraining").Count);
        Assert.All(result.InvocationsOf("FindMoreDriftSinceLastTraining"), i => Assert.NotNull(i.Parameters!["ExclusiveStartKey"]));
        Assert.Contains("TakeDriftAsTrigger", result.EnteredStates);
        var start = Assert.Single(result.InvocationsOf("StartPipelineExecution")).Parameters!;
        Assert.Contains(start["PipelineParameters"]!.AsArray(), p => p!["Name"]!.GetValue<string>() == "TriggerSource" && p["Value"]!.GetValue<string>() == "drift");
    }

    [Fact]
    public async Task Without_a_drift_on_any_page_the_scan_reads_them_all_and_the_label_count_decides()
    {
        var lastTraining = DateTimeOffset.UtcNow.AddHours(-1);
        await _machine.RunAsync(Trigger("schedule"), StoppedRun(_selfArn));
        for (var i = 0; i < 10_000; i++)
        {
            _drift.Record($"press-{i:D5}", lastTraining.AddDays(-2));
        }

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), Counted(new Scenario()));

        Assert.Equal("SkipTooFewNewLabels", result.EnteredStates[^1]);
        Assert.True(_drift.Pages >= 2, $"{_drift.Pages} page(s)");
        Assert.Equal(0, result.InvocationsOf("FindDriftSinceLastTraining").Concat(result.InvocationsOf("FindMoreDriftSinceLastTraining")).Sum(i => i.Output!["Count"]!.GetValue<int>()));
        Assert.Equal(10_000, result.InvocationsOf("FindDriftSinceLastTraining").Concat(result.InvocationsOf("FindMoreDriftSinceLastTraining")).Sum(i => i.Output!["ScannedCount"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_drift_trigger_while_a_pipeline_runs_is_a_duplicate_like_any_other()
    {
        _drift.Record("press-07", DateTimeOffset.UtcNow);
        var scenario = Counted(new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail })
            .Respond("ListRunningWorkflows", Executions(_selfArn))
            .Respond("ListRunningPipelineExecutions", PipelineExecutions(("Executing", "scheduled-run")));

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 5), scenario);

        Assert.Contains("TakeDriftAsTrigger", result.EnteredStates);
        Assert.Equal("IgnoreDuplicateTrigger", result.EnteredStates[^1]);
        Assert.Empty(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task Starts_for_an_event_with_exactly_the_minimum_of_new_labels()
    {
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Failed"))
            .Respond("ListFailedSteps", Steps(Step("Train", "Failed", "capacity")))
            .Respond("NotifyPipelineFailed", "{\"MessageId\":\"m-5\"}");

        var result = await _machine.RunAsync(Trigger("labels-updated", newLabelCount: 50), scenario);

        Assert.Single(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task Stops_waiting_and_notifies_after_the_configured_number_of_polls()
    {
        var scenario = NoRunInProgress()
            .Respond("DescribePipelineExecution", Status("Executing"))
            .Respond("NotifyPipelineTimedOut", "{\"MessageId\":\"m-6\"}");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("PipelineTimedOut", result.Error);
        Assert.Equal(24 * 3600 / 300, result.InvocationsOf("DescribePipelineExecution").Count);
        Assert.Contains("still Executing after 288 polls", Message(result, "NotifyPipelineTimedOut"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_a_failing_aws_call_then_notifies_the_error_and_fails()
    {
        var scenario = NoRunInProgress(startPipeline: false)
            .Respond("StartPipelineExecution", TaskAnswer.Fail("SageMaker.ResourceLimitExceededException", "Too many running pipeline executions"))
            .Respond("NotifyWorkflowError", "{\"MessageId\":\"m-7\"}");

        var result = await _machine.RunAsync(Trigger("manual"), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("WorkflowError", result.Error);
        Assert.Equal(4, result.InvocationsOf("StartPipelineExecution").Count);
        Assert.Contains("SageMaker.ResourceLimitExceededException", Message(result, "NotifyWorkflowError"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Builds_the_job_image_first_when_its_content_tag_is_missing_then_trains_on_it()
    {
        var scenario = StoppedRun(_selfArn, imagePresent: false)
            .Respond("DescribeTrainingImage", TaskAnswer.Fail("Ecr.ImageNotFoundException", "The image with imageId {imageTag:'0123456789abcdef'} does not exist"))
            .Respond("BuildTrainingImage", """{"Build":{"Id":"edgemlops-dev-training-image:7d1e","BuildStatus":"SUCCEEDED"}}""");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        // A missing tag is not retried: it will not appear by itself.
        Assert.Single(result.InvocationsOf("DescribeTrainingImage"));
        var build = Assert.Single(result.InvocationsOf("BuildTrainingImage"));
        Assert.Equal("arn:aws:states:::codebuild:startBuild.sync", build.Resource);
        var entered = result.EnteredStates.ToList();
        Assert.True(entered.IndexOf("BuildTrainingImage") < entered.IndexOf("StartPipelineExecution"), result.ToString());
        Assert.Single(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task Trains_without_a_build_when_the_job_image_exists()
    {
        var result = await _machine.RunAsync(Trigger("schedule"), StoppedRun(_selfArn));

        var describe = Assert.Single(result.InvocationsOf("DescribeTrainingImage")).Parameters!;
        Assert.Equal("edgemlops-dev-training", describe["RepositoryName"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{16}$", describe["ImageIds"]![0]!["ImageTag"]!.GetValue<string>());
        Assert.Empty(result.InvocationsOf("BuildTrainingImage"));
        Assert.Single(result.InvocationsOf("StartPipelineExecution"));
    }

    [Fact]
    public async Task Fails_and_notifies_without_training_when_the_image_build_fails()
    {
        var scenario = NoRunInProgress(startPipeline: false, imagePresent: false)
            .Respond("DescribeTrainingImage", TaskAnswer.Fail("Ecr.ImageNotFoundException", "missing"))
            .Respond("BuildTrainingImage", TaskAnswer.Fail("States.TaskFailed", "Build edgemlops-dev-training-image:7d1e FAILED: pip could not resolve ultralytics==8.3.40"))
            .Respond("NotifyWorkflowError", "{\"MessageId\":\"m-11\"}");

        var result = await _machine.RunAsync(Trigger("schedule"), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Empty(result.InvocationsOf("StartPipelineExecution"));
        Assert.Contains("pip could not resolve", Message(result, "NotifyWorkflowError"), StringComparison.Ordinal);
    }

    /// <summary>No other run anywhere; the label query succeeds and the pipeline starts.</summary>
    private Scenario NoRunInProgress(string? runningWorkflows = null, bool startPipeline = true, bool imagePresent = true)
    {
        var scenario = Counted(new Scenario())
            .Respond("ListRunningWorkflows", runningWorkflows ?? Executions(_selfArn))
            .Respond("ListRunningPipelineExecutions", PipelineExecutions(("Succeeded", "last-week"), ("Failed", "two-weeks-ago")))
            .Respond("QueryApprovedLabels", new JsonObject
            {
                ["QueryExecution"] = new JsonObject
                {
                    ["QueryExecutionId"] = "0f1e2d",
                    ["ResultConfiguration"] = new JsonObject { ["OutputLocation"] = LabelsCsv },
                    ["Status"] = new JsonObject { ["State"] = "SUCCEEDED" },
                },
            }.ToJsonString());
        if (imagePresent)
        {
            scenario.Respond("DescribeTrainingImage", ImagePresent);
        }

        return startPipeline
            ? scenario.Respond("StartPipelineExecution", $"{{\"PipelineExecutionArn\":\"{PipelineExecutionArn}\"}}")
            : scenario;
    }

    /// <summary>The counter table answers both UpdateItem tasks, keeping its count across executions.</summary>
    private Scenario Counted(Scenario scenario) => scenario.Handle(UpdateItem, _counter).Handle(FakeDriftEvents.Scan, _drift);

    /// <summary>A run that starts the pipeline, which someone then stops: the shortest path through a training.</summary>
    private Scenario StoppedRun(string selfArn, bool imagePresent = true) => NoRunInProgress(Executions(selfArn), imagePresent: imagePresent)
        .Respond("DescribePipelineExecution", Status("Stopped"))
        .Respond("NotifyPipelineStopped", "{\"MessageId\":\"m-12\"}");

    /// <summary>ARN of the n-th execution of this test's machine (the harness names them local-1, local-2, …).</summary>
    private string SelfArn(int n) => FakeAws.Arn("states", $"execution:{_machine.Name}:local-{n}");

    private static JsonNode Trigger(string trigger, int? newLabelCount = null)
    {
        var input = new JsonObject { ["trigger"] = trigger };
        if (newLabelCount is { } count)
        {
            input["detail"] = new JsonObject
            {
                ["newLabelCount"] = count, ["approvedCount"] = count, ["rejectedCount"] = 0,
                ["executionId"] = "arn:aws:states:us-east-1:111111111111:execution:labeling:x", ["featureGroupName"] = "edgemlops-dev-labels",
            };
        }

        return input;
    }

    /// <summary>ListExecutions answer: newest first, as the API sorts them.</summary>
    private static string Executions(params string[] newestFirst) => new JsonObject
    {
        ["Executions"] = new JsonArray(newestFirst.Select(arn => (JsonNode?)new JsonObject { ["ExecutionArn"] = arn, ["Status"] = "RUNNING" }).ToArray()),
    }.ToJsonString();

    private static string PipelineExecutions(params (string Status, string Id)[] newestFirst) => new JsonObject
    {
        ["PipelineExecutionSummaries"] = new JsonArray(newestFirst.Select(e => (JsonNode?)new JsonObject
        {
            ["PipelineExecutionArn"] = $"arn:aws:sagemaker:us-east-1:111111111111:pipeline/edgemlops-dev-training/execution/{e.Id}",
            ["PipelineExecutionStatus"] = e.Status,
        }).ToArray()),
    }.ToJsonString();

    private static string Status(string status) =>
        new JsonObject { ["PipelineExecutionArn"] = PipelineExecutionArn, ["PipelineExecutionStatus"] = status }.ToJsonString();

    private static JsonObject Step(string name, string status, string? failureReason = null)
    {
        var step = new JsonObject { ["StepName"] = name, ["StepStatus"] = status };
        if (failureReason is not null)
        {
            step["FailureReason"] = failureReason;
        }

        return step;
    }

    private static string Steps(params JsonObject[] steps) =>
        new JsonObject { ["PipelineExecutionSteps"] = new JsonArray(steps.Select(s => (JsonNode?)s).ToArray()) }.ToJsonString();

    private static string Message(ExecutionResult result, string state) =>
        Assert.Single(result.InvocationsOf(state)).Parameters!["Message"]!.GetValue<string>();
}
