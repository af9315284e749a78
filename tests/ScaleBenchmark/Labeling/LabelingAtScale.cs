using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Labeling.FindUnlabeledImages;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;
using EdgeMlOps.Testing.Storage;

namespace EdgeMlOps.ScaleBenchmark.Labeling;

/// <summary>
/// Scenario 5: the synthesized labeling workflow (config/dev.yaml with <c>maxImagesPerJob</c> raised) over a capture
/// bucket of a whole fleet. The scan is the real FindUnlabeledImages core listing an in-memory bucket (a million keys
/// do not fit s3rver) after the positions a previous run left; everything it and the other Lambdas write and read
/// (manifests, job output, record chunks, outcomes) goes through s3rver with the real handlers; Ground Truth is
/// <see cref="FakeGroundTruth"/>; every PutRecord is answered. Expected: the execution succeeds with one record per
/// label, every execution (parent and Distributed Map children) within half the quotas.
/// </summary>
public sealed class LabelingAtScale(LabelingScaleOptions options) : IScaleScenario
{
    private const string PutRecord = "arn:aws:states:::aws-sdk:sagemakerfeaturestoreruntime:putRecord";

    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"5 labeling: {options.Captures.ObjectCount:N0} objects, {options.Captures.NewImageCount:N0} new images, job of {options.MaxImagesPerJob:N0}");

    /// <summary>The run's execution result, for tests that assert more than the summary.</summary>
    public ExecutionResult? LastExecution { get; private set; }

    public async Task<ScaleScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string what)
        {
            if (System.Environment.GetEnvironmentVariable("SCALE_VERBOSE") == "1")
            {
                Console.Error.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:F1} s] {what}");
            }
        }

        var settings = SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev");
        settings = settings with { Labeling = settings.Labeling with { MaxImagesPerJob = options.MaxImagesPerJob } };
        var machine = LocalStateMachine.FromTemplate(Synthesize(settings));
        Phase("synthesized");
        var scanFunction = machine.LambdaFunctions.Values.Single(f => f.Environment.ContainsKey("SCAN_STATE_KEY"));
        var env = scanFunction.Environment;
        var scanSettings = new FindUnlabeledImagesSettings(
            env["DATA_BUCKET"],
            env["SCAN_PREFIXES"].Split(','),
            env["MANIFEST_PREFIX"],
            int.Parse(env["MAX_IMAGES_PER_JOB"], CultureInfo.InvariantCulture),
            env["JOB_NAME_PREFIX"],
            env["CAPTURE_PREFIX"],
            env["SCAN_STATE_KEY"]);
        var captures = options.Captures with { CapturePrefix = scanSettings.CapturePrefix };

        await using var s3 = new S3rverServer();
        await s3.StartAsync(cancellationToken);
        await s3.CreateBucketsAsync(scanSettings.Bucket);
        using var client = s3.CreateClient();
        // What the previous scan left: every device's position; its backlog was labeled.
        await S3Json.PutAsync(client, scanSettings.Bucket, scanSettings.ScanStateKey,
            new ScanState(captures.PreviousPositions(), []), cancellationToken);
        var store = captures.Build();
        Phase($"bucket of {store.Count} objects built");

        var groundTruth = new FakeGroundTruth(client) { PollsBeforeDone = 3 };
        var scenario = new Scenario { Timeout = TimeSpan.FromMinutes(15) }
            .WithLambdaEnvironment(s3.ClientEnvironment)
            .Handle("FindUnlabeledImages", new ScanAnswer(client, store, scanSettings))
            .Respond("CheckOfflineStoreTable", TaskAnswer.Fail("Glue.EntityNotFoundException", "no table yet"))
            .Respond("arn:aws:states:::aws-sdk:sagemaker:createLabelingJob", TaskAnswer.From(groundTruth))
            .Respond("arn:aws:states:::aws-sdk:sagemaker:describeLabelingJob", TaskAnswer.From(groundTruth))
            .Respond("arn:aws:states:::aws-sdk:sagemaker:stopLabelingJob", "{}")
            .Respond("arn:aws:states:::sns:publish", "{\"MessageId\":\"scale\"}")
            .Respond("arn:aws:states:::events:putEvents", "{\"Entries\":[{\"EventId\":\"scale\"}],\"FailedEntryCount\":0}")
            .Respond(PutRecord, "{}");

        var result = await machine.RunAsync(new JsonObject { ["trigger"] = "schedule" }, scenario, cancellationToken);
        LastExecution = result;
        Phase("execution ended");
        var written = result.InvocationsOf(PutRecord).Count(c => !c.Failed);
        var asExpected = result.Status == ExecutionStatus.Succeeded && written == options.MaxImagesPerJob;
        var standard = result.SelfAndDescendants.Where(e => e.WorkflowType == WorkflowType.Standard).Max(e => e.Quota.HistoryEvents);
        var failure = result.InvocationsOf("NotifyWorkflowFailure").FirstOrDefault()?.Parameters?["Message"]?.GetValue<string>();
        var outcome = string.Create(CultureInfo.InvariantCulture,
            $"{result.Status.ToString().ToLowerInvariant()}{(result.Error is null ? "" : $" ({result.Error}: {failure ?? result.Cause})")}: {written:N0} labels written, " +
            $"{result.ChildExecutions.Count:N0} child executions, scan listed {ScanAnswer.LastListed:N0} of {store.Count:N0} objects");
        return new ScaleScenarioResult(Name, outcome, asExpected, standard, result.MaxPayloadBytes, captures.Devices, store.Count);
    }

    private static JsonNode Synthesize(AppSettings settings)
    {
        var app = new App();
        var stage = new LabelingStage(app, "Labeling-scale", new AppStageProps
        {
            Settings = settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        });
        return JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stage.Workload).ToJSON()))!;
    }

    /// <summary>FindUnlabeledImages as the workflow calls it (lambda:invoke), with the listing of the in-memory bucket.</summary>
    private sealed class ScanAnswer(Amazon.S3.IAmazonS3 s3, InMemoryObjectStore store, FindUnlabeledImagesSettings settings) : ITaskHandler
    {
        public static long LastListed { get; private set; }

        public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
        {
            var payload = call.Parameters?["Payload"] ?? throw new InvalidOperationException("FindUnlabeledImages called without a Payload");
            var request = payload.Deserialize<FindUnlabeledImagesRequest>(LambdaJson.Options)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await Function.RunAsync(s3, store, settings, request, cancellationToken);
            if (System.Environment.GetEnvironmentVariable("SCALE_VERBOSE") == "1")
            {
                Console.Error.WriteLine($"  scan: {clock.Elapsed.TotalSeconds:F1} s, listed {result.ListedObjectCount}");
            }

            LastListed = result.ListedObjectCount;
            return new JsonObject
            {
                ["ExecutedVersion"] = "$LATEST",
                ["Payload"] = JsonSerializer.SerializeToNode(result, LambdaJson.Options),
                ["StatusCode"] = 200,
            };
        }
    }
}
