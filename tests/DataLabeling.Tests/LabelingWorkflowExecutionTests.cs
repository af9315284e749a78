using System.Text.Json.Nodes;
using Amazon.S3.Model;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>
/// The synthesized labeling state machine executed locally (aws-local-stepfunctions): AWS SDK tasks answered by
/// fixtures shaped like the real responses, Lambda tasks by the real C# handlers against s3rver.
/// </summary>
public sealed class LabelingWorkflowExecutionTests : IClassFixture<LabelingStageFixture>, IClassFixture<S3Fixture>, IClassFixture<PublicWorkforceStageFixture>
{
    private const string PutRecord = "arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    private readonly LocalStateMachine _machine;
    private readonly LocalStateMachine _publicMachine;
    private readonly S3rverServer _s3;
    private readonly string _bucket;

    public LabelingWorkflowExecutionTests(LabelingStageFixture stage, S3Fixture s3, PublicWorkforceStageFixture publicStage)
    {
        _publicMachine = LocalStateMachine.FromTemplate(publicStage.Json.DeepClone());
        _machine = LocalStateMachine.FromTemplate(stage.Json.DeepClone());
        _s3 = s3.Server;
        _bucket = _machine.LambdaFunctions.Values.First(f => f.Environment.ContainsKey("DATA_BUCKET")).Environment["DATA_BUCKET"];
    }

    private async Task SeedAsync(int incoming, int captured, params string[] approvedKeys)
    {
        // A fresh bucket content per test: delete what a previous test left.
        using var client = _s3.CreateClient();
        try
        {
            await client.PutBucketAsync(_bucket);
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyExists" or "BucketAlreadyOwnedByYou")
        {
            // created by an earlier test of this class
        }

        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
        foreach (var entry in listing.S3Objects ?? [])
        {
            await client.DeleteObjectAsync(_bucket, entry.Key);
        }

        for (var i = 0; i < incoming; i++)
        {
            using var body = new MemoryStream(Jpeg);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = $"images/incoming/in-{i:D3}.jpg", InputStream = body });
        }

        for (var i = 0; i < captured; i++)
        {
            using var body = new MemoryStream(Jpeg);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = $"images/captured/cap-{i:D3}.jpg", InputStream = body });
        }

        var csv = "\"source_ref\"\n" + string.Concat(approvedKeys.Select(k => $"\"s3://{_bucket}/{k}\"\n"));
        await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "labeling/athena-results/q.csv", ContentBody = csv });
    }

    private Scenario BaseScenario(FakeGroundTruth groundTruth, bool tableExists = true, TaskAnswer? latestLabelsQuery = null)
    {
        var scenario = new Scenario()
            .WithLambdaEnvironment(_s3.ClientEnvironment)
            .Respond("QueryLatestLabels", latestLabelsQuery ?? TaskAnswer.Return($"{{\"QueryExecution\":{{\"QueryExecutionId\":\"q\",\"Status\":{{\"State\":\"SUCCEEDED\"}},\"ResultConfiguration\":{{\"OutputLocation\":\"s3://{_bucket}/labeling/athena-results/q.csv\"}}}}}}"))
            .Respond("arn:aws:states:::aws-sdk:sagemaker:createLabelingJob", TaskAnswer.From(groundTruth))
            .Respond("DescribeJob", TaskAnswer.From(groundTruth))
            .Respond("PollJobStatus", TaskAnswer.From(groundTruth))
            .Respond("StopOverdueJob", "{}")
            .Respond("arn:aws:states:::sns:publish", "{\"MessageId\":\"m-1\"}")
            .Respond("PublishLabelsUpdated", "{\"Entries\":[{\"EventId\":\"e-1\"}],\"FailedEntryCount\":0}")
            .Respond(PutRecord, "{}");
        scenario.Respond("CheckOfflineStoreTable", tableExists
            ? TaskAnswer.Return("{\"Table\":{\"Name\":\"edgemlops_dev_labels\",\"DatabaseName\":\"edgemlops_dev_labeling\"}}")
            : TaskAnswer.Fail("Glue.EntityNotFoundException", "Table edgemlops_dev_labels not found"));
        return scenario;
    }

    private static string Message(ExecutionResult result, string state) =>
        result.InvocationsOf(state).Single().Parameters!["Message"]!.GetValue<string>();

    private static JsonNode EventDetail(ExecutionResult result) =>
        result.InvocationsOf("PublishLabelsUpdated").Single().Parameters!["Entries"]![0]!["Detail"]!;

    [Fact]
    public async Task First_run_with_an_empty_store_labels_every_image_and_announces_them()
    {
        await SeedAsync(incoming: 3, captured: 2);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client) { PollsBeforeDone = 2 };
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth, tableExists: false));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("UseEmptyLabelHistory", result.EnteredStates);
        Assert.Empty(result.InvocationsOf("QueryLatestLabels"));
        Assert.Equal(2, groundTruth.CreatedJobs.Count); // labeling + verification
        Assert.Equal(5, result.InvocationsOf(PutRecord).Count);
        Assert.Equal(5, EventDetail(result)["newLabelCount"]!.GetValue<int>());
        Assert.Equal("edgemlops-dev-labels", EventDetail(result)["featureGroupName"]!.GetValue<string>());
        var create = groundTruth.CreateRequests[0];
        Assert.Contains("workteam/private-crowd/", create["HumanTaskConfig"]!["WorkteamArn"]!.GetValue<string>());
        Assert.Null(create["HumanTaskConfig"]!["PublicWorkforceTaskPrice"]);
    }

    [Fact]
    public async Task Nothing_to_label_succeeds_with_a_notification_and_starts_no_job()
    {
        await SeedAsync(incoming: 2, captured: 0, "images/incoming/in-000.jpg", "images/incoming/in-001.jpg");
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client);
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal("NothingToLabel", result.EnteredStates[^1]);
        Assert.Empty(groundTruth.CreatedJobs);
        Assert.Contains("found no unlabeled images", Message(result, "NotifyNothingToLabel"));
    }

    [Fact]
    public async Task Happy_path_with_verification_writes_approved_records_from_both_prefixes()
    {
        await SeedAsync(incoming: 2, captured: 2, "images/incoming/in-000.jpg");
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client) { PollsBeforeDone = 1 };
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.EndsWith("-label", groundTruth.CreatedJobs[0], StringComparison.Ordinal);
        Assert.EndsWith("-verify", groundTruth.CreatedJobs[1], StringComparison.Ordinal);
        var records = result.InvocationsOf(PutRecord).Select(c => c.Parameters!["Record"]!.AsArray()).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Contains(r, f => f!["FeatureName"]!.GetValue<string>() == "status" && f["ValueAsString"]!.GetValue<string>() == "APPROVED"));
        Assert.Contains(records, r => r.ToJsonString().Contains("images/captured/cap-001.jpg", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.ToJsonString().Contains("in-000.jpg", StringComparison.Ordinal));
        Assert.All(result.InvocationsOf(PutRecord), c => Assert.Equal("edgemlops-dev-labels", c.Parameters!["FeatureGroupName"]!.GetValue<string>()));
        var detail = EventDetail(result);
        Assert.Equal((3, 3, 0), (detail["newLabelCount"]!.GetValue<int>(), detail["approvedCount"]!.GetValue<int>(), detail["rejectedCount"]!.GetValue<int>()));
        Assert.StartsWith("arn:aws:states:", detail["executionId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("LabelsWritten", result.EnteredStates[^1]);
    }

    // A stopped job has no FailureReason: the notification still says what happened, with the default reason.
    [Theory]
    [InlineData("Failed", null, "labeling", "Failed: ClientError: workteam has no workers")]
    [InlineData("Stopped", null, "labeling", "Stopped: (no reason given)")]
    [InlineData("Completed", "Failed", "verification", "Failed: ClientError: workteam has no workers")]
    public async Task Job_that_does_not_complete_notifies_the_reason_and_fails_without_writing_labels(
        string labelingStatus, string? verificationStatus, string failedPhase, string ending)
    {
        await SeedAsync(incoming: 2, captured: 0);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client) { FinalStatus = labelingStatus, VerificationFinalStatus = verificationStatus };
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Labeling.JobFailed", result.Error);
        Assert.Equal(failedPhase == "verification" ? 2 : 1, groundTruth.CreatedJobs.Count);
        Assert.Contains($"the {failedPhase} job {groundTruth.CreatedJobs[^1]} ended {ending}", Message(result, "NotifyJobFailed"));
        Assert.Empty(result.InvocationsOf("BuildFeatureRecords"));
        Assert.Empty(result.InvocationsOf(PutRecord));
        Assert.Empty(result.InvocationsOf("PublishLabelsUpdated"));
    }

    [Fact]
    public async Task Job_exceeding_the_wait_limit_is_stopped_and_the_run_fails()
    {
        await SeedAsync(incoming: 1, captured: 0);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client) { PollsBeforeDone = int.MaxValue };
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Labeling.JobOverdue", result.Error);
        Assert.Equal(groundTruth.CreatedJobs[0], result.InvocationsOf("StopOverdueJob").Single().Parameters!["LabelingJobName"]!.GetValue<string>());
        // The dev config allows 2,880 polls (240 h at 300 s): 3 windows of at most 1,000 polls, each a child
        // execution polling once more than it waits; the parent reads the status once after the last window.
        Assert.Equal(3, result.ChildExecutions.Count);
        Assert.Equal(3 * 1_001, result.InvocationsOf("PollJobStatus").Count);
        Assert.Single(result.InvocationsOf("DescribeJob"));
        Assert.All(result.ChildExecutions, window => Assert.InRange(window.Quota.HistoryEvents, 10_000, 12_500));
        Assert.InRange(result.Quota.HistoryEvents, 1, 200);
        Assert.Contains("was stopped", Message(result, "NotifyJobOverdue"));
    }

    [Fact]
    public async Task Verification_rejecting_some_labels_writes_them_as_rejected()
    {
        await SeedAsync(incoming: 3, captured: 0);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client) { Verdict = s => s.EndsWith("in-001.jpg", StringComparison.Ordinal) ? "incorrect" : "correct" };
        var result = await _machine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var statuses = result.InvocationsOf(PutRecord).ToDictionary(
            c => c.Parameters!["Record"]!.AsArray().Single(f => f!["FeatureName"]!.GetValue<string>() == "source_ref")!["ValueAsString"]!.GetValue<string>(),
            c => c.Parameters!["Record"]!.AsArray().Single(f => f!["FeatureName"]!.GetValue<string>() == "status")!["ValueAsString"]!.GetValue<string>());
        Assert.Equal("REJECTED", statuses[$"s3://{_bucket}/images/incoming/in-001.jpg"]);
        Assert.Equal("APPROVED", statuses[$"s3://{_bucket}/images/incoming/in-000.jpg"]);
        Assert.Equal((2, 1), (EventDetail(result)["approvedCount"]!.GetValue<int>(), EventDetail(result)["rejectedCount"]!.GetValue<int>()));
    }

    // PutRecord's transient errors: throttling, and the API model's InternalFailure (500) and ServiceUnavailable (503)
    // with the Exception suffix Step Functions adds to SDK-integration error names.
    [Theory]
    [InlineData("SageMakerFeatureStoreRuntime.ThrottlingException")]
    [InlineData("SageMakerFeatureStoreRuntime.ServiceUnavailableException")]
    [InlineData("SageMakerFeatureStoreRuntime.InternalFailureException")]
    public async Task Transient_put_record_error_is_retried_until_it_succeeds(string error)
    {
        await SeedAsync(incoming: 2, captured: 0);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client);
        var scenario = BaseScenario(groundTruth);
        var throttled = new HashSet<string>();
        scenario.Handle("PutLabelRecord", parameters =>
        {
            var sourceRef = parameters!["Record"]!.AsArray().First()!["ValueAsString"]!.GetValue<string>();
            lock (throttled)
            {
                if (throttled.Add(sourceRef))
                {
                    throw new TaskFailure(error, "transient");
                }
            }

            return new JsonObject();
        });
        var result = await _machine.RunAsync(scenario: scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(4, result.InvocationsOf("PutLabelRecord").Count);
        Assert.Equal(2, result.InvocationsOf("PutLabelRecord").Count(c => c.Failed));
        Assert.Equal(2, EventDetail(result)["newLabelCount"]!.GetValue<int>());
        Assert.Contains(result.SelfAndDescendants.SelectMany(e => e.Events), e => e.Type == "StateRetried" && e.StateName == "PutLabelRecord");
    }

    [Fact]
    public async Task Put_record_failures_after_retries_are_reported_not_dropped()
    {
        await SeedAsync(incoming: 2, captured: 0);
        using var client = _s3.CreateClient();
        var scenario = BaseScenario(new FakeGroundTruth(client));
        scenario.Handle("PutLabelRecord", parameters =>
            parameters!["Record"]!.ToJsonString().Contains("in-001.jpg", StringComparison.Ordinal)
                ? throw new TaskFailure("SageMakerFeatureStoreRuntime.ValidationError", "bad value")
                : new JsonObject());
        var result = await _machine.RunAsync(scenario: scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Labeling.RecordsNotWritten", result.Error);
        Assert.Contains("1 failed after retries", Message(result, "NotifyRecordWriteFailures"));
        Assert.Equal(1, EventDetail(result)["newLabelCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task More_images_than_the_cap_label_only_the_cap()
    {
        // The dev config caps a job at 500 images.
        await SeedAsync(incoming: 480, captured: 40);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client);
        var scenario = BaseScenario(groundTruth);
        var result = await _machine.RunAsync(scenario: scenario);

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Equal(500, result.InvocationsOf(PutRecord).Count);
        Assert.Contains("20 images deferred", Message(result, "NotifyLabelsWritten"));
        Assert.Equal(500, groundTruth.CreateRequests[0]["StoppingConditions"]!["MaxHumanLabeledObjectCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failing_task_notifies_the_state_and_execution_then_fails()
    {
        await SeedAsync(incoming: 1, captured: 0);
        using var client = _s3.CreateClient();
        var scenario = BaseScenario(new FakeGroundTruth(client), latestLabelsQuery: TaskAnswer.Fail("Athena.InvalidRequestException", "SYNTAX_ERROR"));
        var result = await _machine.RunAsync(scenario: scenario);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("Labeling.WorkflowFailed", result.Error);
        var message = Message(result, "NotifyWorkflowFailure");
        Assert.Contains("QueryLatestLabels", message);
        Assert.Contains("Athena.InvalidRequestException", message);
        Assert.Contains("arn:aws:states:", message);
    }

    [Fact]
    public async Task Public_workforce_without_verification_pays_the_configured_price_and_approves_labels()
    {
        await SeedAsync(incoming: 2, captured: 1);
        using var client = _s3.CreateClient();
        var groundTruth = new FakeGroundTruth(client);
        var result = await _publicMachine.RunAsync(scenario: BaseScenario(groundTruth));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("StartLabelingJob", result.EnteredStates);
        Assert.Single(groundTruth.CreatedJobs); // no verification job
        var task = groundTruth.CreateRequests[0]["HumanTaskConfig"]!;
        Assert.Equal("arn:aws:sagemaker:eu-west-1:394669845002:workteam/public-crowd/default", task["WorkteamArn"]!.GetValue<string>());
        Assert.Equal("{\"Dollars\":0,\"Cents\":3,\"TenthFractionsOfACent\":6}", task["PublicWorkforceTaskPrice"]!["AmountInUsd"]!.ToJsonString());
        Assert.Contains("FreeOfPersonallyIdentifiableInformation", groundTruth.CreateRequests[0]["InputConfig"]!["DataAttributes"]!.ToJsonString());
        Assert.Equal((3, 3, 0), (EventDetail(result)["newLabelCount"]!.GetValue<int>(), EventDetail(result)["approvedCount"]!.GetValue<int>(), EventDetail(result)["rejectedCount"]!.GetValue<int>()));
    }
}
