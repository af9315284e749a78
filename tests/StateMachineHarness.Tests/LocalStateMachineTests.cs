using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;
using Xunit;
using static StateMachineHarness.Tests.SampleLabelingWorkflow;

namespace StateMachineHarness.Tests;

public sealed class LocalStateMachineTests
{
    [Fact]
    public void Rebuilds_the_definition_from_the_Fn_Join_and_the_substitutions()
    {
        var machine = Load();

        var expected = File.ReadAllText(AslPath)
            .Replace("${LabelingRoleArn}", LabelingRoleArn)
            .Replace("${InputBucketName}", InputBucketName)
            .Replace("${TagImageFunctionArn}", TagImageFunctionArn)
            .Replace("${ScoreImagesFunctionArn}", ScoreImagesFunctionArn)
            .Replace("${FeatureGroupName}", FeatureGroupName)
            .Replace("${AlertTopicArn}", AlertTopicArn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), machine.Definition), machine.Definition.ToJsonString());
        Assert.Equal("LabelingStateMachine7E8F9A0B", machine.LogicalId);
    }

    [Fact]
    public void Maps_each_Lambda_ARN_to_its_logical_id_handler_and_resolved_environment()
    {
        var machine = Load(new LocalStateMachineOptions
        {
            SsmParameters = new Dictionary<string, string> { ["/edge-mlops/dev/model-name"] = "defect-detector" },
        });

        var tag = machine.LambdaFunctions[TagImageFunctionArn];
        var score = machine.LambdaFunctions[ScoreImagesFunctionArn];

        Assert.Equal(("TagImageFunction5E6F7A8B", "SampleLambda::SampleLambda.TagImageFunction::Handle"), (tag.LogicalId, tag.Handler));
        Assert.Equal("defect-us-east-1", tag.Environment["TAG_PREFIX"]);
        Assert.Equal("ScoreImagesFunction9C0D1E2F", score.FunctionName);
        Assert.Equal(InputBucketName, score.Environment["OUTPUT_BUCKET"]);
        Assert.Equal("defect-detector", score.Environment["MODEL_NAME"]);
    }

    [Fact]
    public async Task Succeeds_through_polling_Map_and_real_Lambdas_on_the_happy_path()
    {
        var machine = Load();

        var result = await machine.RunAsync(Input(), HappyPath());

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var output = result.Output!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""{"accepted":1,"rejected":2,"outputBucket":"{{InputBucketName}}"}"""), output["score"]), output.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                [{"tag":"defect-us-east-1:img-001","image":"img-001.jpg"},
                 {"tag":"defect-us-east-1:cat","image":"cat.jpg"},
                 {"tag":"defect-us-east-1:1234","image":"1234.jpg"}]
                """),
            output["tags"]), output.ToJsonString());
        Assert.Equal("arn:aws:sagemaker:us-east-1:111111111111:labeling-job/job-1", output["job"]!["JobArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Passes_resolved_parameters_to_SDK_tasks()
    {
        var result = await Load().RunAsync(Input(), HappyPath());

        var create = Assert.Single(result.InvocationsOf(CreateLabelingJob));
        Assert.Equal("Start labeling job", create.StateName);
        Assert.Equal(LabelingRoleArn, create.Parameters!["RoleArn"]!.GetValue<string>());
        Assert.Equal($"s3://{InputBucketName}/manifests/batch-1.json",
            create.Parameters["InputConfig"]!["DataSource"]!["S3DataSource"]!["ManifestS3Uri"]!.GetValue<string>());
        var records = result.InvocationsOf(PutRecord);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(FeatureGroupName, r.Parameters!["FeatureGroupName"]!.GetValue<string>()));
        Assert.Equal(["1234.jpg", "cat.jpg", "img-001.jpg"],
            records.Select(r => r.Parameters!["Record"]![0]!["ValueAsString"]!.GetValue<string>()).Order());
        Assert.Empty(result.InvocationsOf(SnsPublish));
    }

    [Fact]
    public async Task Polls_with_Wait_states_that_take_no_time_until_the_job_completes()
    {
        var scenario = new Scenario()
            .Respond(CreateLabelingJob, """{"LabelingJobArn":"arn:job"}""")
            .Respond(DescribeLabelingJob, [.. Enumerable.Repeat("""{"LabelingJobStatus":"InProgress"}""", 5), """{"LabelingJobStatus":"Completed"}"""])
            .Respond(PutRecord, "{}");

        // Each Wait is 600 s: without the override this run would take an hour.
        var result = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(6, result.InvocationsOf(DescribeLabelingJob).Count);
        Assert.Equal(6, result.EnteredStates.Count(s => s == "Wait for labeling"));
        Assert.Equal(
            ["Start labeling job", "Wait for labeling", "Describe labeling job", "Check labeling status", "Wait for labeling"],
            result.EnteredStates.Take(5));
    }

    [Fact]
    public async Task Retries_a_throttled_call_and_then_succeeds()
    {
        var scenario = HappyPath()
            .Respond("Start labeling job",
                TaskAnswer.Fail("SageMaker.ThrottlingException", "Rate exceeded"),
                TaskAnswer.Return("""{"LabelingJobArn":"arn:job-after-retry"}"""));

        var result = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var calls = result.InvocationsOf(CreateLabelingJob);
        Assert.Equal(2, calls.Count);
        Assert.Equal("SageMaker.ThrottlingException", calls[0].Error);
        Assert.False(calls[1].Failed);
        Assert.Single(result.Events, e => e.Type == "StateRetried" && e.StateName == "Start labeling job");
        Assert.Equal("arn:job-after-retry", result.Output!["job"]!["JobArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gives_up_after_the_retry_budget_and_catches_into_the_failure_path()
    {
        // One answer repeats: MaxAttempts 3 means 4 calls before the Catch.
        var scenario = new Scenario().Respond(CreateLabelingJob, TaskAnswer.Fail("SageMaker.ThrottlingException", "Rate exceeded"))
            .Respond(SnsPublish, """{"MessageId":"m-1"}""");

        var result = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(4, result.InvocationsOf(CreateLabelingJob).Count);
        Assert.Equal("Rate exceeded", Assert.Single(result.InvocationsOf(SnsPublish)).Parameters!["Message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Catches_a_service_error_into_a_Fail_state()
    {
        var scenario = new Scenario()
            .Respond(CreateLabelingJob, TaskAnswer.Fail("SageMaker.ResourceLimitExceeded", "Too many labeling jobs"))
            .Respond(SnsPublish, """{"MessageId":"m-1"}""");

        var result = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("LabelingFailed", result.Error);
        Assert.Equal("The labeling workflow failed; see the alert.", result.Cause);
        Assert.Equal(["Start labeling job", "Notify failure", "Labeling failed"], result.EnteredStates);
        var alert = Assert.Single(result.InvocationsOf(SnsPublish));
        Assert.Equal(AlertTopicArn, alert.Parameters!["TopicArn"]!.GetValue<string>());
        Assert.Equal("Too many labeling jobs", alert.Parameters["Message"]!.GetValue<string>());
        Assert.Empty(result.InvocationsOf(DescribeLabelingJob));
    }

    [Fact]
    public async Task Reports_a_Lambda_exception_as_its_type_name_so_Catch_handles_it()
    {
        var scenario = HappyPath().Respond(SnsPublish, """{"MessageId":"m-1"}""");
        var noImages = Input();
        noImages["images"] = new JsonArray();

        var result = await Load().RunAsync(noImages, scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("LabelingFailed", result.Error);
        var scoring = Assert.Single(result.InvocationsOf("Score images"));
        Assert.Equal(TaskAnswerSource.Lambda, scoring.Source);
        Assert.Equal("InvalidOperationException", scoring.Error);
        var errorPayload = JsonNode.Parse(scoring.Cause!)!;
        Assert.Equal("There are no images to score.", errorPayload["errorMessage"]!.GetValue<string>());
        var alertMessage = Assert.Single(result.InvocationsOf(SnsPublish)).Parameters!["Message"]!.GetValue<string>();
        Assert.Equal(scoring.Cause, alertMessage);
    }

    [Fact]
    public async Task Wraps_lambda_invoke_results_like_Step_Functions_and_passes_bare_ARN_results_through()
    {
        var result = await Load().RunAsync(Input("42.jpg"), HappyPath());

        var tag = Assert.Single(result.InvocationsOf("Tag image"));
        Assert.Equal(TaskAnswerSource.Lambda, tag.Source);
        Assert.Equal(200, tag.Output!["StatusCode"]!.GetValue<int>());
        Assert.Equal("defect-us-east-1:42", tag.Output["Payload"]!["tag"]!.GetValue<string>());
        Assert.Equal(TagImageFunctionArn, tag.Parameters!["FunctionName"]!.GetValue<string>());
        var score = Assert.Single(result.InvocationsOf("Score images"));
        Assert.Equal(1, score.Output!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Passes_scenario_environment_overrides_to_Lambda_handlers()
    {
        var scenario = HappyPath()
            .WithLambdaEnvironment("TAG_PREFIX", "override")
            .WithLambdaEnvironment("OUTPUT_BUCKET", "other-bucket");

        var result = await Load().RunAsync(Input("7.jpg"), scenario);

        Assert.Equal("override:7", result.Output!["tags"]![0]!["tag"]!.GetValue<string>());
        Assert.Equal("other-bucket", result.Output["score"]!["outputBucket"]!.GetValue<string>());
        Assert.Null(Environment.GetEnvironmentVariable("TAG_PREFIX"));
    }

    [Fact]
    public async Task Runs_Map_iterations_concurrently_up_to_MaxConcurrency()
    {
        var probe = new ConcurrencyProbe(totalCalls: 5);
        var scenario = HappyPath().Handle(PutRecord, probe);

        var result = await Load().RunAsync(Input("1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg"), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(5, result.InvocationsOf(PutRecord).Count);
        Assert.Equal(2, probe.MaxInFlight);
    }

    [Fact]
    public async Task Retries_a_throttled_call_inside_a_Map_iteration()
    {
        var scenario = HappyPath().Respond("Put feature record",
            TaskAnswer.Fail("SageMakerFeatureStoreRuntime.ThrottlingException", "slow down"),
            TaskAnswer.Return("{}"));

        var result = await Load().RunAsync(Input("1.jpg", "2.jpg"), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(3, result.InvocationsOf(PutRecord).Count);
        Assert.Single(result.InvocationsOf(PutRecord), call => call.Failed);
    }

    [Fact]
    public async Task A_stateful_handler_keeps_state_across_calls()
    {
        var controlPlane = new FakeLabelingControlPlane(describesUntilCompleted: 3);
        var scenario = new Scenario()
            .Handle(CreateLabelingJob, controlPlane)
            .Handle(DescribeLabelingJob, controlPlane)
            .Respond(PutRecord, "{}");

        var result = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(["job-1"], controlPlane.CreatedJobs);
        Assert.Equal(3, result.InvocationsOf(DescribeLabelingJob).Count);
    }

    [Fact]
    public async Task Fails_the_run_loudly_when_a_task_has_no_answer()
    {
        var scenario = new Scenario().Respond(CreateLabelingJob, """{"LabelingJobArn":"arn:job"}""");

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => Load().RunAsync(Input(), scenario));

        Assert.Contains("Describe labeling job", error.Message);
        Assert.Contains(DescribeLabelingJob, error.Message);
    }

    [Fact]
    public async Task Fails_the_run_when_answers_run_out_and_the_scenario_says_so()
    {
        var scenario = new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.Fail }
            .Respond(CreateLabelingJob, """{"LabelingJobArn":"arn:job"}""")
            .Respond(DescribeLabelingJob, """{"LabelingJobStatus":"InProgress"}""");

        var error = await Assert.ThrowsAsync<StateMachineHarnessException>(() => Load().RunAsync(Input(), scenario));

        Assert.Contains("ran out", error.Message);
        Assert.Contains(DescribeLabelingJob, error.Message);
    }

    [Fact]
    public async Task Repeats_the_last_answer_by_default()
    {
        var scenario = new Scenario()
            .Respond(CreateLabelingJob, """{"LabelingJobArn":"arn:job"}""")
            .Respond(DescribeLabelingJob, """{"LabelingJobStatus":"Failed"}""")
            .Respond(SnsPublish, "{}");

        var first = await Load().RunAsync(Input(), scenario);
        var second = await Load().RunAsync(Input(), scenario);

        Assert.Equal(ExecutionStatus.Failed, first.Status);
        Assert.Equal(ExecutionStatus.Failed, second.Status);
        Assert.Single(second.InvocationsOf(DescribeLabelingJob));
    }

    [Fact]
    public async Task Runs_many_scenarios_concurrently_in_one_runner_process()
    {
        var machine = Load();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            machine.RunAsync(Input($"{i}.jpg"), HappyPath().WithLambdaEnvironment("TAG_PREFIX", $"run{i}"))));

        Assert.All(results, r => Assert.Equal(ExecutionStatus.Succeeded, r.Status));
        Assert.Equal(
            Enumerable.Range(0, 8).Select(i => $"run{i}:{i}"),
            results.Select(r => r.Output!["tags"]![0]!["tag"]!.GetValue<string>()));
    }

    /// <summary>Holds each call until <c>2</c> are in flight (or no more can come), recording the most seen at once.</summary>
    private sealed class ConcurrencyProbe(int totalCalls) : ITaskHandler
    {
        private readonly Lock _lock = new();
        private int _inFlight;
        private int _finished;

        public int MaxInFlight { get; private set; }

        public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                _inFlight++;
                MaxInFlight = Math.Max(MaxInFlight, _inFlight);
            }

            // Bounded: if the engine ran iterations one at a time, MaxInFlight stays 1 and the test fails.
            for (var i = 0; i < 200 && !Enough(); i++)
            {
                await Task.Delay(10, cancellationToken);
            }

            lock (_lock)
            {
                _inFlight--;
                _finished++;
            }

            return new JsonObject();
        }

        private bool Enough()
        {
            lock (_lock)
            {
                return _inFlight >= 2 || _finished + _inFlight >= totalCalls;
            }
        }
    }

    /// <summary>A fake SageMaker labeling control plane: jobs complete after a number of describes.</summary>
    private sealed class FakeLabelingControlPlane(int describesUntilCompleted) : ITaskHandler
    {
        private readonly Dictionary<string, int> _describes = [];

        public IReadOnlyList<string> CreatedJobs => [.. _describes.Keys];

        public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
        {
            var name = call.Parameters!["LabelingJobName"]!.GetValue<string>();
            lock (_describes)
            {
                if (call.Resource == CreateLabelingJob)
                {
                    _describes[name] = 0;
                    return ValueTask.FromResult<JsonNode?>(new JsonObject { ["LabelingJobArn"] = $"arn:labeling-job/{name}" });
                }

                if (!_describes.TryGetValue(name, out var count))
                {
                    throw new TaskFailure("SageMaker.ResourceNotFoundException", $"No labeling job {name}");
                }

                _describes[name] = ++count;
                var status = count >= describesUntilCompleted ? "Completed" : "InProgress";
                return ValueTask.FromResult<JsonNode?>(new JsonObject { ["LabelingJobStatus"] = status });
            }
        }
    }
}
