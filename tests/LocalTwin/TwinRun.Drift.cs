using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.ModelGen.Models;
using EdgeMlOps.Edge.Packaging;
using EdgeMlOps.LocalTwin.Cloud;
using EdgeMlOps.LocalTwin.Device;
using EdgeMlOps.LocalTwin.Drift;
using EdgeMlOps.LocalTwin.Report;
using EdgeMlOps.Testing.CloudFormation;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.LocalTwin;

/// <summary>
/// The drift scenario: one fleet device's camera starts delivering darkened, blurred frames; the real component
/// scores them against the baseline the candidate ships, crosses the threshold and raises its capture sampling; the
/// edge stack's drift rule records the event in the training app's table; the labeling workflow labels the captured
/// frames; its LabelsUpdated event goes through the training stack's rule into the synthesized training workflow,
/// which finds the drift and starts the pipeline with reason drift. The other devices stay below the threshold.
/// </summary>
public sealed partial class TwinRun
{
    private const string DriftedDevice = "twin-line-02";
    private const string DriftRuleWhere = "WHERE drift.drifted = true";
    private DriftOutcome? _drift;
    private InMemoryDynamoDbTable? _driftEvents;

    /// <summary>The LabelsUpdated entry the labeling run put on the bus (set by <see cref="LabelAsync"/>).</summary>
    private JsonObject? _labelsUpdatedEntry;

    /// <summary>The job names (labeling_job without Ground Truth's prefix) of the feature records the labeling run wrote (set by <see cref="LabelAsync"/>).</summary>
    private List<string> _labeledBy = [];

    /// <summary>
    /// The model file as evaluate.py publishes it: with its drift baseline in the ONNX metadata, computed over the
    /// training images (the twin's dataset copy, which the devices' cameras replay) and the model's predictions on
    /// them at the device confidence threshold (a known-output model finds the same on every image).
    /// </summary>
    private byte[] WithDriftBaseline(KnownOutputModel model)
    {
        var images = DatasetImages();
        var threshold = _settings.Edge.Inference.ConfidenceThreshold;
        IReadOnlyList<double> predicted = [.. model.Anchors.Select(a => (double)a.Scores.Max()).Where(c => c >= threshold)];
        var baseline = TwinDriftBaseline.Build(images, [.. images.Select(_ => predicted)]).ToJson();
        return (model with { ExtraMetadata = new Dictionary<string, string>(model.ExtraMetadata) { [OnnxMetadataKeys.DriftBaseline] = baseline } }).Build();
    }

    private string[] DatasetImages() =>
        [.. Directory.GetFiles(Path.Combine(_options.RepositoryRoot, "tests", "data", "edge", "images"), "*.jpg").Order(StringComparer.Ordinal)];

    private Task DriftCameraAsync(JsonObject edgeTemplate, IntrinsicResolver resolver, IReadOnlyList<CoreDevice> devices, IotCoreMessages iotCore, IAmazonS3 s3,
        CancellationToken cancellationToken) =>
        StepAsync($"Drift: {DriftedDevice}'s camera delivers darkened, blurred frames; its drift score crosses the threshold, its captures rise, the drift rule records the event", async lines =>
        {
            var threshold = _settings.Edge.Drift.Threshold;
            var driftRule = DriftRule(edgeTemplate, resolver);
            var healthTopics = $"{_settings.Edge.TopicPrefix}/+/inference/health";
            var device = devices.Single(d => d.ThingName == DriftedDevice);
            var inference = device.Installed(_settings.Edge.InferenceComponentName) ?? throw new InvalidOperationException($"{DriftedDevice} has no inference component installed.");
            var camera = Directory.GetDirectories(inference.DecompressedPath, InferenceArtifactLayout.SampleImagesFolder, SearchOption.AllDirectories).Single();
            var bucket = inference.Configuration["capture"]?["bucket"]?.GetValue<string>() ?? string.Empty;
            var capturePrefix = inference.Configuration["capture"]?["prefix"]?.GetValue<string>() ?? string.Empty;
            var prefix = capturePrefix + DriftedDevice + "/";

            // Every device's window is scored (minFrames reached) before the camera changes: the "before" is a real score.
            await WaitUntilAsync(() => devices.All(d => LatestDrift(iotCore, healthTopics, d.ThingName, DateTimeOffset.MinValue) is { Statistics.Count: > 0 }), TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            var before = LatestDrift(iotCore, healthTopics, DriftedDevice, DateTimeOffset.MinValue)!;
            var uploadedBefore = await CaptureObjectsAsync(s3, bucket, prefix, cancellationToken).ConfigureAwait(false);
            var changedAt = DateTimeOffset.UtcNow;
            var darkened = DarkenedCamera.Darken(camera);
            var hashes = Directory.GetFiles(camera).Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))).ToLowerInvariant()).ToList();
            lines.Add($"{darkened} frames in {Path.GetRelativePath(_work, camera)} rewritten darkened (x{DarkenedCamera.Gain}) and blurred ({DarkenedCamera.BlurRadius}-pixel box, twice); score before {before.Score:0.000} (threshold {threshold})");

            await WaitUntilAsync(() => FirstDrifted(iotCore, healthTopics, changedAt) is not null, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            var (drifted, driftedAt) = FirstDrifted(iotCore, healthTopics, changedAt) ?? throw new InvalidOperationException($"{DriftedDevice} reported no drift within 90 s of its camera change.");
            lines.Add($"{DriftedDevice} drifted after {(driftedAt - changedAt).TotalSeconds:0.0} s: score {drifted.Score:0.000} ({string.Join(", ", drifted.Statistics.Select(s => $"{s.Key} {s.Value:0.000}"))}); capture sampling raised until {drifted.CaptureBoostUntil:HH:mm:ss}Z");

            // The darkened frames are new images: the device captures and uploads them (the key names the image's SHA-256).
            List<string> darkenedCaptures = [];
            await WaitUntilAsync(async () =>
            {
                darkenedCaptures = [.. (await CaptureObjectsAsync(s3, bucket, prefix, cancellationToken).ConfigureAwait(false)).Select(o => o.Key).Where(k => hashes.Any(h => k.Contains(h, StringComparison.OrdinalIgnoreCase)))];
                return darkenedCaptures.Count >= hashes.Distinct().Count();
            }, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            var span = DateTimeOffset.UtcNow - changedAt;
            var uploadsAfter = (await CaptureObjectsAsync(s3, bucket, prefix, cancellationToken).ConfigureAwait(false)).Select(o => o.Key).Except(uploadedBefore.Select(o => o.Key)).Count();
            // S3 keeps LastModified to the second: the span before is widened by one second, never narrowed.
            var uploadsBefore = uploadedBefore.Count(o => o.Stored >= changedAt - span - TimeSpan.FromSeconds(1));
            // Everything captured so far, the darkened frames included, is what the labeling run must list.
            var known = _report.CapturedObjects.ToHashSet(StringComparer.Ordinal);
            _report.CapturedObjects.AddRange((await CaptureObjectsAsync(s3, bucket, capturePrefix, cancellationToken).ConfigureAwait(false)).Select(o => o.Key).Where(k => !known.Contains(k)).Order(StringComparer.Ordinal));
            lines.Add($"{DriftedDevice} uploaded {uploadsAfter} frame(s) in the {span.TotalSeconds:0} s after the change ({darkenedCaptures.Count} of the {hashes.Distinct().Count()} darkened frames), {uploadsBefore} in the {span.TotalSeconds:0} s before");

            var others = devices.Where(d => d.ThingName != DriftedDevice).ToDictionary(
                d => d.ThingName,
                d => Health(iotCore, healthTopics, d.ThingName, changedAt).Select(h => h.Drift?.Score ?? 0).DefaultIfEmpty(0).Max(),
                StringComparer.Ordinal);
            var othersDrifted = devices.Where(d => d.ThingName != DriftedDevice).Any(d => Health(iotCore, healthTopics, d.ThingName, DateTimeOffset.MinValue).Any(h => h.Drift?.Drifted == true));
            lines.Add($"other devices' highest score since the change: {string.Join(", ", others.Select(o => $"{o.Key} {o.Value:0.000}"))}; {(othersDrifted ? "one of them reported drift" : "none reported drift")}");

            // The drift rule over everything IoT Core received: the table the training workflow scans.
            _driftEvents = new InMemoryDynamoDbTable(driftRule.TableName, driftRule.PartitionKey);
            foreach (var item in driftRule.Items(iotCore.All()))
            {
                _driftEvents.Put(item);
            }

            var events = ScanAll(_driftEvents).ToDictionary(
                i => i[DriftEventsSchema.PartitionKey]!["S"]!.GetValue<string>(),
                i => (i[DriftEventsSchema.DriftAt]?["S"]?.GetValue<string>() ?? "", double.Parse(i[DriftEventsSchema.Score]?["N"]?.GetValue<string>() ?? "0", CultureInfo.InvariantCulture)),
                StringComparer.Ordinal);
            lines.Add($"drift events table {driftRule.TableName} (edge stack's rule {DriftRuleWhere}): {string.Join(", ", events.Select(e => $"{e.Key} at {e.Value.Item1} score {e.Value.Item2:0.000}"))}");
            _drift = new DriftOutcome
            {
                Device = DriftedDevice,
                Threshold = threshold,
                FramesDarkened = darkened,
                DarkenedSha256 = hashes,
                ScoreBefore = before.Score,
                ScoreWhenDrifted = drifted.Score,
                StatisticsWhenDrifted = drifted.Statistics,
                CaptureBoostUntil = drifted.CaptureBoostUntil,
                SecondsToDrifted = (driftedAt - changedAt).TotalSeconds,
                UploadsBefore = uploadsBefore,
                UploadsAfter = uploadsAfter,
                DarkenedCaptures = darkenedCaptures,
                OtherDevicesMaxScore = others,
                OtherDevicesDrifted = othersDrifted,
                DriftEvents = events,
                DriftEventsTable = driftRule.TableName,
            };
            _report.Drift = _drift;
            return true;
        });

    /// <summary>
    /// After the labeling run: its LabelsUpdated event through the training stack's rule into the synthesized training
    /// workflow, with the drift events table the drift rule filled, the retrain counter, and a SageMaker stand-in.
    /// </summary>
    private Task RetrainOnDriftAsync(SynthesizedApps apps, LocalDeployment deployment, CancellationToken cancellationToken) =>
        StepAsync("Drift: the labeling run's LabelsUpdated event starts the training workflow, which finds the drift and starts the pipeline with reason drift", async lines =>
        {
            if (_drift is null || _driftEvents is null)
            {
                throw new InvalidOperationException("The drift step did not run.");
            }

            _drift.DarkenedInManifest = _report.ManifestSourceRefs.Count(r => _drift.DarkenedSha256.Any(h => r.Contains(h, StringComparison.OrdinalIgnoreCase)));
            lines.Add($"{_drift.DarkenedInManifest} darkened capture(s) in the labeling manifest; the run wrote {_report.LabelRecordsWritten} label record(s)");
            var entry = _labelsUpdatedEntry ?? throw new InvalidOperationException("The labeling run put no LabelsUpdated event.");
            var detail = entry["Detail"] is JsonValue text ? JsonNode.Parse(text.GetValue<string>())! : entry["Detail"]!.DeepClone();
            var @event = new JsonObject
            {
                ["version"] = "0",
                ["id"] = Guid.NewGuid().ToString(),
                ["detail-type"] = entry["DetailType"]!.DeepClone(),
                ["source"] = entry["Source"]!.DeepClone(),
                ["account"] = FakeAws.AccountId,
                ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["region"] = FakeAws.Region,
                ["resources"] = new JsonArray(),
                ["detail"] = detail,
            };
            var trainingTemplate = apps.TemplateWith("training", "AWS::StepFunctions::StateMachine");
            var template = new CloudFormationTemplate(trainingTemplate);
            var resolver = new IntrinsicResolver(template, deployment.Parameters);
            var rule = new EventRuleTarget(LabelsUpdatedRuleProperties(template, resolver));
            if (!rule.Matches(@event))
            {
                throw new InvalidOperationException($"The LabelsUpdated event does not match the training stack's rule: {@event.ToJsonString()}");
            }

            var input = rule.Transform(@event);
            var machine = LocalStateMachine.FromTemplate(trainingTemplate, options: new LocalStateMachineOptions { SsmParameters = deployment.Parameters });
            var pipelineId = template.LogicalIdsOfType("AWS::SageMaker::Pipeline").Single();
            var pipelineName = resolver.ResolveString(template.Properties(pipelineId)["PipelineName"], $"Resources.{pipelineId}.Properties.PipelineName");
            var pipelineBody = resolver.ResolveString(template.Properties(pipelineId)["PipelineDefinition"]?["PipelineDefinitionBody"], $"Resources.{pipelineId}.Properties.PipelineDefinition.PipelineDefinitionBody");
            var sageMaker = new PipelineStandIn(pipelineName, pipelineBody, $"arn:aws:sagemaker:{FakeAws.Region}:{FakeAws.AccountId}:model-package/{_settings.NamePrefix}-{_options.EnvironmentName}-drift/3",
                // What PrepareDataset names: the jobs of the labels in the dataset (here: the labels the run just wrote).
                _labeledBy.Count == 0 ? ModelPackageMetadata.NoLabelingJobs : string.Join(ModelPackageMetadata.LabelingJobSeparator, _labeledBy));
            var counter = new FakeRetrainCounter();
            var scanPages = 0;
            var selfArn = FakeAws.Arn("states", $"execution:{machine.Name}:local-1");
            var scenario = new Scenario { Timeout = TimeSpan.FromMinutes(5) }
                .Handle("arn:aws:states:::dynamodb:updateItem", counter)
                .Handle("arn:aws:states:::aws-sdk:dynamodb:scan", p =>
                {
                    Interlocked.Increment(ref scanPages);
                    return _driftEvents.Scan(p!.AsObject());
                })
                .Respond("ListRunningWorkflows", new JsonObject { ["Executions"] = new JsonArray(new JsonObject { ["ExecutionArn"] = selfArn, ["Status"] = "RUNNING" }) }.ToJsonString())
                .Respond("ListRunningPipelineExecutions", """{"PipelineExecutionSummaries":[]}""")
                .Respond("DescribeTrainingImage", $$"""{"ImageDetails":[{"RegistryId":"{{FakeAws.AccountId}}","RepositoryName":"twin-training","ImageDigest":"sha256:4f1c","ImageTags":["twin"]}]}""")
                .Respond("QueryApprovedLabels", new JsonObject
                {
                    ["QueryExecution"] = new JsonObject
                    {
                        ["QueryExecutionId"] = "twin-labels",
                        ["ResultConfiguration"] = new JsonObject { ["OutputLocation"] = $"s3://{deployment.Parameter(_contract.TrainingArtifactsBucketName)}/athena-results/twin-labels.csv" },
                        ["Status"] = new JsonObject { ["State"] = "SUCCEEDED" },
                    },
                }.ToJsonString())
                .Handle("StartPipelineExecution", p => sageMaker.Start(p!.AsObject()))
                .Handle("DescribePipelineExecution", p => sageMaker.Describe(p!.AsObject()))
                .Handle("ListSucceededSteps", p => sageMaker.Steps(p!.AsObject()))
                .Handle("DescribeRegisteredModelPackage", p => sageMaker.DescribePackage(p!.AsObject()))
                .Respond("arn:aws:states:::sns:publish", """{"MessageId":"twin-training"}""");
            var result = await machine.RunAsync(input, scenario, cancellationToken).ConfigureAwait(false);
            var notification = result.InvocationsOf("arn:aws:states:::sns:publish").Select(i => $"{i.Parameters?["Subject"]}: {i.Parameters?["Message"]}").LastOrDefault();
            var counted = result.InvocationsOf("FindDriftSinceLastTraining").Concat(result.InvocationsOf("FindMoreDriftSinceLastTraining")).Sum(i => i.Output?["Count"]?.GetValue<int>() ?? 0);
            _drift.Retraining = new DriftRetraining
            {
                WorkflowInput = input.ToJsonString(),
                ExecutionStatus = result.Status.ToString(),
                Error = result.Error,
                DriftedDevicesCounted = counted,
                ScanPages = scanPages,
                PipelineStarts = sageMaker.Starts,
                LastTrainingTrigger = counter.Text("lastTrainingTrigger"),
                RegisteredTriggerSource = sageMaker.Registered?["CustomerMetadataProperties"]?[ModelPackageMetadata.TriggerSource]?.GetValue<string>(),
                RegisteredLabelingJobs = sageMaker.Registered?["CustomerMetadataProperties"]?[ModelPackageMetadata.LabelingJobs]?.GetValue<string>(),
                LabeledBy = _labeledBy,
                Notification = notification,
            };
            lines.Add($"rule matched; workflow input {input.ToJsonString()}");
            lines.Add($"execution {result.Status}{(result.Error is null ? "" : $" with {result.Error}: {result.Cause}")}; drift scan counted {counted} device(s) in {scanPages} page(s)");
            foreach (var (name, parameters, description) in sageMaker.Starts)
            {
                lines.Add($"StartPipelineExecution {name}: {string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))} ('{description}')");
            }

            lines.Add($"registered package triggerSource {_drift.Retraining.RegisteredTriggerSource}, labelingJobs {_drift.Retraining.RegisteredLabelingJobs}; counter lastTrainingTrigger {_drift.Retraining.LastTrainingTrigger}");
            if (notification is not null)
            {
                lines.Add($"e-mail: {notification}");
            }

            var started = sageMaker.Starts.Count == 1 && sageMaker.Starts[0].Parameters.GetValueOrDefault("TriggerSource") == DriftEventsSchema.DriftTrigger;
            var below = _drift.OtherDevicesMaxScore.All(o => o.Value <= _drift.Threshold) && !_drift.OtherDevicesDrifted;
            var asIntended = started && below && result.Status == ExecutionStatus.Succeeded && _drift.DarkenedInManifest > 0
                && _drift.DriftEvents.Keys.SequenceEqual([_drift.Device]) && _drift.UploadsAfter > _drift.UploadsBefore;
            _report.Scenarios.Add(new ScenarioOutcome("drift", started ? "retrained" : "not retrained",
                string.Create(CultureInfo.InvariantCulture,
                    $"{_drift.Device} drift {_drift.ScoreWhenDrifted:0.00} > {_drift.Threshold} after {_drift.SecondsToDrifted:0} s, uploads {_drift.UploadsBefore} -> {_drift.UploadsAfter}, " +
                    $"{_drift.DarkenedInManifest} darkened frames labeled, drift event recorded, pipeline started with TriggerSource {(sageMaker.Starts.Count > 0 ? sageMaker.Starts[0].Parameters.GetValueOrDefault("TriggerSource") : "none")}; " +
                    $"others below: {string.Join(", ", _drift.OtherDevicesMaxScore.Select(o => $"{o.Key} {o.Value:0.00}"))}"),
                asIntended));
            return true;
        });

    private static JsonObject LabelsUpdatedRuleProperties(CloudFormationTemplate template, IntrinsicResolver resolver)
    {
        var id = template.LogicalIdsOfType("AWS::Events::Rule").Single(r => template.Properties(r)["EventPattern"]?["detail-type"] is JsonArray types
            && types.Any(t => t?.GetValue<string>() == EdgeMlOps.Cdk.ModelTraining.TrainingWorkflow.LabelsUpdatedDetailType));
        var properties = template.Properties(id);
        return new JsonObject
        {
            ["EventPattern"] = resolver.Resolve(properties["EventPattern"], $"Resources.{id}.Properties.EventPattern"),
            ["Targets"] = new JsonArray(new JsonObject { ["InputTransformer"] = resolver.Resolve(properties["Targets"]![0]!["InputTransformer"], $"Resources.{id}.Properties.Targets[0].InputTransformer") }),
        };
    }

    /// <summary>The edge stack's drift event rule (the DynamoDB rule with WHERE drift.drifted), its SQL evaluated locally.</summary>
    private static HealthTopicRule DriftRule(JsonObject edgeTemplate, IntrinsicResolver resolver)
    {
        var template = new CloudFormationTemplate(edgeTemplate);
        var id = template.LogicalIdsOfType("AWS::IoT::TopicRule").Single(r => template.Properties(r)["TopicRulePayload"]?["Sql"]?.GetValue<string>().EndsWith(DriftRuleWhere, StringComparison.Ordinal) == true);
        var payload = resolver.Resolve(template.Properties(id)["TopicRulePayload"], $"Resources.{id}.Properties.TopicRulePayload");
        return HealthTopicRule.Parse(payload["Sql"]!.GetValue<string>(), payload["Actions"]![0]!["DynamoDBv2"]!["PutItem"]!["TableName"]!.GetValue<string>());
    }

    private static IEnumerable<JsonObject> ScanAll(InMemoryDynamoDbTable table)
    {
        JsonNode? start = null;
        do
        {
            var request = new JsonObject { ["TableName"] = table.TableName };
            if (start is not null)
            {
                request["ExclusiveStartKey"] = start.DeepClone();
            }

            var page = table.Scan(request);
            foreach (var item in page["Items"]!.AsArray())
            {
                yield return item!.AsObject();
            }

            start = page["LastEvaluatedKey"];
        }
        while (start is not null);
    }

    private static IReadOnlyList<HealthMessage> Health(IotCoreMessages iotCore, string topics, string thingName, DateTimeOffset after) =>
        [.. iotCore.Matching(topics).Where(m => m.ReceivedAt > after && m.TopicName.Split('/').ElementAtOrDefault(1) == thingName).Select(m => HealthMessage.Read(m.Payload))];

    private static HealthDrift? LatestDrift(IotCoreMessages iotCore, string topics, string thingName, DateTimeOffset after) =>
        Health(iotCore, topics, thingName, after).LastOrDefault()?.Drift;

    private static (HealthDrift Drift, DateTimeOffset At)? FirstDrifted(IotCoreMessages iotCore, string topics, DateTimeOffset after) =>
        iotCore.Matching(topics).Where(m => m.ReceivedAt > after && m.TopicName.Split('/').ElementAtOrDefault(1) == DriftedDevice)
            .Select(m => (Message: HealthMessage.Read(m.Payload), m.ReceivedAt))
            .Where(m => m.Message.Drift?.Drifted == true)
            .Select(m => ((HealthDrift Drift, DateTimeOffset At)?)(m.Message.Drift!, m.ReceivedAt))
            .FirstOrDefault();

    /// <summary>The device's uploaded capture images: key and when S3 stored it.</summary>
    private static async Task<List<(string Key, DateTimeOffset Stored)>> CaptureObjectsAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<(string, DateTimeOffset)>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            keys.AddRange((page.S3Objects ?? []).Where(o => o.Key.EndsWith(CaptureLayout.ImageSuffix, StringComparison.OrdinalIgnoreCase))
                .Select(o => (o.Key, new DateTimeOffset(DateTime.SpecifyKind(o.LastModified ?? DateTime.MinValue, DateTimeKind.Utc)))));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Task.FromResult(condition()), limit, cancellationToken);

    /// <summary>Polls until the condition holds or the generous limit passes (a hang guard: the caller checks what it needs).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (!await condition().ConfigureAwait(false) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
    }
}
