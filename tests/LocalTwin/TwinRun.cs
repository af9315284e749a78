using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.Edge.ModelGen.Models;
using EdgeMlOps.LocalTwin.Cloud;
using EdgeMlOps.LocalTwin.Device;
using EdgeMlOps.LocalTwin.Report;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.CloudFormation;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.LocalTwin;

/// <summary>
/// The whole loop on one machine: synthesize the three apps from one configuration, "deploy" them onto a local
/// S3 server, approve a model package and run the synthesized edge deployment state machine against a stateful
/// control plane whose core devices install and run the real inference component, once per scenario (a first
/// release, a good candidate, a blind one, a disagreeing one, a faulty one), then run the labeling state machine
/// over what the devices captured.
/// </summary>
public sealed partial class TwinRun
{
    private const string CanaryDevice = "twin-canary-01";
    private static readonly string[] s_fleetDevices = ["twin-line-01", "twin-line-02"];
    private readonly TwinOptions _options;
    private readonly TwinReport _report = new();
    private readonly string _work;
    private readonly AppSettings _settings;
    private readonly ParameterContract _contract;

    private TwinRun(TwinOptions options)
    {
        _options = options;
        _work = options.ResolveWorkDirectory();
        _settings = SettingsLoader.LoadEnvironment(options.RepositoryRoot, options.EnvironmentName);
        _contract = new ParameterContract(_settings.ParameterRoot);
    }

    public static Task<TwinReport> RunAsync(TwinOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TimeScale < 1)
        {
            throw new ArgumentException($"TwinOptions.TimeScale must be at least 1, got {options.TimeScale}", nameof(options));
        }

        return new TwinRun(options).RunAsync(cancellationToken);
    }

    private async Task<TwinReport> RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        // New devices every run: a device's capture spool remembers what it uploaded before.
        var devicesFolder = Path.Combine(_work, "devices");
        if (Directory.Exists(devicesFolder))
        {
            Directory.Delete(devicesFolder, recursive: true);
        }

        Directory.CreateDirectory(_work);
        var apps = await StepAsync($"Synthesize the three apps from config/{_options.EnvironmentName}.yaml", lines =>
        {
            var synthesized = SynthesizedApps.Synthesize(_settings, _options.RepositoryRoot, Path.Combine(_work, "cdk.out"));
            foreach (var (app, templates) in synthesized.Templates)
            {
                lines.Add($"{app}: {templates.Count} stack(s), {templates.Sum(t => (t["Resources"] as JsonObject)?.Count ?? 0)} resources");
            }

            return Task.FromResult(synthesized);
        }).ConfigureAwait(false);

        var s3Folder = Path.Combine(_work, "s3");
        if (Directory.Exists(s3Folder))
        {
            Directory.Delete(s3Folder, recursive: true);
        }

        await using var s3 = S3rverServer.Create(dataDirectory: s3Folder);
        await s3.StartAsync(cancellationToken).ConfigureAwait(false);
        using var client = s3.CreateClient();
        var deployment = await StepAsync("Deploy the stacks' buckets, file assets and SSM contract onto a local S3 server", async lines =>
        {
            var deployed = await LocalDeployment.DeployAsync(apps, client, cancellationToken).ConfigureAwait(false);
            lines.Add($"{deployed.Buckets.Count} buckets, {deployed.UploadedAssets} file assets uploaded, {deployed.Parameters.Count} SSM parameters");
            return deployed;
        }).ConfigureAwait(false);

        var registry = new ModelRegistry();
        var models = await StepAsync("Register five trained models as the training pipeline's RegisterModel step does", async lines =>
        {
            var training = apps.TemplateWith("training", "AWS::SageMaker::Pipeline");
            var bucket = deployment.Parameter(_contract.TrainingArtifactsBucketName);
            var (size, classes) = (_settings.Training.ImageSize, _settings.Labeling.ClassLabels);
            Task<RegisteredModel> Register(int version, string description, byte[] onnx, KnownOutputAcceptanceSet evaluation, byte[]? evaluatedWith = null) =>
                RegisterAsync(client, registry, training, deployment.Parameters, bucket, version, description, onnx, evaluation, evaluatedWith, cancellationToken);
            var first = TwinModels.FirstRelease(size, classes);
            var good = TwinModels.Good(size, classes);
            var disagreeing = TwinModels.Disagreeing(size, classes);
            var registered = new TwinModelSet(
                await Register(1, "first release (one scratch in the middle at confidence 0.45)", WithDriftBaseline(first), new KnownOutputAcceptanceSet(first, [0])).ConfigureAwait(false),
                await Register(2, "good candidate (the same scratch at 0.5)", WithDriftBaseline(good), new KnownOutputAcceptanceSet(good, [0])).ConfigureAwait(false),
                // The wrong artifact shipped: the evaluation (and its acceptance set) is the good model's.
                await Register(3, "blind candidate (finds nothing; registered with the good model's evaluation)", TwinModels.Blind(size, classes).Build(),
                    new KnownOutputAcceptanceSet(good, [0]), evaluatedWith: WithDriftBaseline(good)).ConfigureAwait(false),
                await Register(4, "disagreeing candidate (a scratch in the top left at 0.5, none in the middle; its own evaluation)", WithDriftBaseline(disagreeing),
                    new KnownOutputAcceptanceSet(disagreeing, [0])).ConfigureAwait(false),
                // The faulty model cannot be evaluated (its output is no detection tensor): a set without predictions; it never loads anyway.
                await Register(5, "faulty (its output is not a YOLOv8 detection tensor)", TwinModels.Faulty(), new KnownOutputAcceptanceSet(first, [])).ConfigureAwait(false));
            foreach (var model in registered.All)
            {
                lines.Add($"{model.Package["ModelPackageGroupName"]} version {model.Version}: {model.Description}; ONNX at {model.OnnxUri}; metadata {model.Package["CustomerMetadataProperties"]!.ToJsonString()}");
            }

            return registered;
        }).ConfigureAwait(false);

        var edgeTemplate = apps.TemplateWith("edge", "AWS::GreengrassV2::ComponentVersion");
        var machine = LocalStateMachine.FromTemplate(edgeTemplate, options: new LocalStateMachineOptions { SsmParameters = deployment.Parameters });
        var resolver = new IntrinsicResolver(new CloudFormationTemplate(edgeTemplate), deployment.Parameters);
        await using var tokenExchange = new TokenExchangeStub(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), S3rverServer.AccessKey);
        var iotCore = new IotCoreMessages();
        var socketFolder = Path.Combine(Path.GetTempPath(), $"edgemlops-twin-{Environment.ProcessId}-{Environment.TickCount64}");
        var groups = new Dictionary<string, IReadOnlyList<CoreDevice>>(StringComparer.Ordinal);
        var controlPlane = new EdgeControlPlane(new EdgeControlPlaneProps
        {
            S3 = client,
            Registry = registry,
            Groups = groups,
            GroupArnsByName = ThingGroups.ArnsByName(machine.Definition),
            HealthRule = HealthRule(edgeTemplate, resolver),
            HealthIndex = HealthIndex(edgeTemplate),
            LockTableName = HealthTableItems.TableNames(machine.Definition).LockTable,
            LedgerTableName = HealthTableItems.LedgerTableName(machine.Definition),
            IotCore = iotCore,
            PollDelay = TimeSpan.FromSeconds(_settings.Edge.HealthGate.PollIntervalSeconds / (double)_options.TimeScale),
        });
        var devices = new List<CoreDevice>();
        try
        {
            await StepAsync("Start the core devices and the edge control plane", lines =>
            {
                var environment = DeviceEnvironment(_settings.Region, s3, tokenExchange);
                CoreDevice Device(string thing) => NewDevice(thing, devices, controlPlane, client, iotCore, environment, socketFolder);
                groups[GroupArn(machine.Definition, "TargetTheCanaryGroup")] = [Device(CanaryDevice)];
                groups[GroupArn(machine.Definition, "TargetTheFleetGroup")] = [.. s_fleetDevices.Select(Device)];
                foreach (var id in new CloudFormationTemplate(edgeTemplate).LogicalIdsOfType("AWS::GreengrassV2::ComponentVersion"))
                {
                    var recipe = resolver.ResolveString(new CloudFormationTemplate(edgeTemplate).Properties(id)["InlineRecipe"], $"Resources.{id}.Properties.InlineRecipe");
                    controlPlane.RegisterComponentVersion(recipe);
                    var registered = ComponentRecipe.Parse(recipe);
                    if (registered.Name == _settings.Edge.InferenceComponentName)
                    {
                        _report.InferenceComponentVersion = registered.Version;
                    }
                    else
                    {
                        _report.PrerequisitesComponentVersion = $"{registered.Name}:{registered.Version}";
                    }
                }

                lines.Add($"canary group {_settings.Edge.CanaryThingGroup}: {CanaryDevice}; fleet group {_settings.Edge.FleetThingGroup}: {string.Join(", ", s_fleetDevices)}");
                lines.Add($"inference component {_settings.Edge.InferenceComponentName} {_report.InferenceComponentVersion} registered from the edge stack's recipe, its zip uploaded as the stack's asset");
                lines.Add($"health gate: a poll every {_settings.Edge.HealthGate.PollIntervalSeconds} s configured, every {controlPlane.PollDelay.TotalSeconds:0.0} s here (time scale {_options.TimeScale}); devices run in real time");
                return Task.FromResult(true);
            }).ConfigureAwait(false);

            var rule = new EventRuleTarget(ApprovalRuleProperties(edgeTemplate, resolver));
            // In this order each candidate meets the current model it is meant to: none for the first release, then
            // the good model, which every rollback restores.
            var rollout = new RolloutContext(registry, machine, controlPlane, rule, devices, iotCore);
            await RolloutAsync("first-release", models.FirstRelease, ScenarioOutcome.Promoted, rollout, cancellationToken).ConfigureAwait(false);
            await RolloutAsync("good", models.Good, ScenarioOutcome.Promoted, rollout, cancellationToken).ConfigureAwait(false);
            await RolloutAsync("blind", models.Blind, ScenarioOutcome.RolledBack, rollout, cancellationToken).ConfigureAwait(false);
            await RolloutAsync("disagreeing", models.Disagreeing, ScenarioOutcome.RolledBack, rollout, cancellationToken).ConfigureAwait(false);
            await RolloutAsync("faulty", models.Faulty, ScenarioOutcome.RolledBack, rollout, cancellationToken).ConfigureAwait(false);
            await InspectDevicesAsync(models.Good, devices, iotCore, deployment, client, tokenExchange, cancellationToken).ConfigureAwait(false);
            await DriftCameraAsync(edgeTemplate, resolver, devices, iotCore, client, cancellationToken).ConfigureAwait(false);
            await FleetStatusAsync(controlPlane).ConfigureAwait(false);
            _report.ComponentVersions.AddRange(controlPlane.ComponentVersions);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync().ConfigureAwait(false);
            }

            if (Directory.Exists(socketFolder))
            {
                Directory.Delete(socketFolder, recursive: true);
            }
        }

        await LabelAsync(apps, deployment, s3, client, cancellationToken).ConfigureAwait(false);
        await RetrainOnDriftAsync(apps, deployment, cancellationToken).ConfigureAwait(false);
        await StagedAsync(models.Good, s3, client, cancellationToken).ConfigureAwait(false);
        _report.Total = total.Elapsed;
        return _report;
    }

    /// <summary>
    /// Registers a model the way a training run does: the synthesized training pipeline's own RegisterModel step,
    /// resolved for one execution, gives the package (and where its ONNX file lives); the ONNX bytes go there.
    /// </summary>
    private async Task<RegisteredModel> RegisterAsync(IAmazonS3 s3, ModelRegistry registry, JsonObject trainingTemplate, IReadOnlyDictionary<string, string> parameters,
        string bucket, int version, string description, byte[] onnx, KnownOutputAcceptanceSet evaluation, byte[]? evaluatedWith, CancellationToken cancellationToken)
    {
        var template = new CloudFormationTemplate(trainingTemplate);
        var pipelineId = template.LogicalIdsOfType("AWS::SageMaker::Pipeline").Single();
        var resolver = new IntrinsicResolver(template, parameters);
        var body = resolver.ResolveString(template.Properties(pipelineId)["PipelineDefinition"]?["PipelineDefinitionBody"], $"Resources.{pipelineId}.Properties.PipelineDefinition.PipelineDefinitionBody");
        var executionId = $"twin-run-{version}";
        var execution = new PipelineExecution(body, new PipelineRunValues
        {
            ExecutionId = executionId,
            PipelineName = resolver.ResolveString(template.Properties(pipelineId)["PipelineName"], $"Resources.{pipelineId}.Properties.PipelineName"),
            StepProperties = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
            {
                ["Steps.Train.ModelArtifacts.S3ModelArtifacts"] = $"s3://{bucket}/training/{executionId}/output/model.tar.gz",
                ["Steps.PrepareDataset.OutputParameters['DatasetUri']"] = $"s3://{bucket}/datasets/{executionId}",
                ["Steps.PrepareDataset.OutputParameters['SnapshotId']"] = $"snapshot-{version}",
                ["Steps.PrepareDataset.OutputParameters['LabelingJobs']"] = $"edgemlops-twin-labeling-{version}",
                ["Steps.PrepareDataset.OutputParameters['LabelCount']"] = 188,
                ["Steps.PrepareDataset.OutputParameters['ImageCount']"] = 200,
            },
            PropertyFiles = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
            {
                ["Steps.Evaluate.PropertyFiles.EvaluationReport"] = JsonNode.Parse("""{"metrics":{"map50":0.71,"map50_95":0.42,"precision":0.8,"recall":0.66}}""")!,
            },
        });
        var group = execution.Resolve(execution.StepOfType("RegisterModel")["Arguments"]!["ModelPackageGroupName"]).GetValue<string>();
        var arn = $"arn:aws:sagemaker:{FakeAws.Region}:{FakeAws.AccountId}:model-package/{group}/{version}";
        // Registered for manual approval, as the training pipeline registers; the operator approves each at its rollout.
        var package = execution.RegisteredModelPackage(arn, version, DateTimeOffset.UtcNow.AddMinutes(version), "PendingManualApproval");
        var onnxUri = package["CustomerMetadataProperties"]?["onnxModelUri"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The training pipeline registers no onnxModelUri metadata.");
        var (onnxBucket, onnxKey) = S3Uri.Parse(onnxUri);
        using (var content = new MemoryStream(onnx))
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = onnxBucket, Key = onnxKey, InputStream = content }, cancellationToken).ConfigureAwait(false);
        }

        if (package["CustomerMetadataProperties"]?["acceptanceSetUri"]?.GetValue<string>() is { } setUri)
        {
            await UploadAcceptanceSetAsync(s3, setUri, onnx, evaluation, evaluatedWith ?? onnx, cancellationToken).ConfigureAwait(false);
        }

        registry.Add(package);
        return new RegisteredModel(description, onnx, onnxUri, package);
    }

    /// <summary>
    /// What evaluate.py publishes beside model.onnx: the acceptance set (acceptance/acceptance.json, its images) and
    /// the same as acceptance.zip, which the edge workflow ships in the model component. Images: the twin's sample frames.
    /// The set names <paramref name="evaluatedWith"/>'s SHA-256: the model the evaluation scored (normally the one shipped).
    /// </summary>
    private async Task UploadAcceptanceSetAsync(IAmazonS3 s3, string setUri, byte[] onnx, KnownOutputAcceptanceSet evaluation, byte[] evaluatedWith, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_work, "acceptance-" + Convert.ToHexString(SHA256.HashData(onnx))[..12]);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var modelPath = Path.Combine(folder, "model.onnx");
        await File.WriteAllBytesAsync(modelPath, evaluatedWith, cancellationToken).ConfigureAwait(false);
        var frames = Directory.GetFiles(Path.Combine(_options.RepositoryRoot, "tests", "data", "edge", "images"), "*.jpg").Order(StringComparer.Ordinal).Take(4).ToArray();
        // The sample frames are 450×300 camera crops.
        var set = evaluation with { ImageCount = frames.Length, ImageWidth = 450, ImageHeight = 300 };
        set.Write(folder, modelPath, i => File.ReadAllBytes(frames[i]));
        var setFolder = Path.Combine(folder, EdgeMlOps.Contracts.Training.AcceptanceSet.FolderName);
        var archive = Path.Combine(folder, EdgeMlOps.Contracts.Training.AcceptanceSet.ArchiveFileName);
        System.IO.Compression.ZipFile.CreateFromDirectory(setFolder, archive);
        var (bucket, key) = S3Uri.Parse(EdgeMlOps.Contracts.Training.AcceptanceSet.ArchiveUri(setUri)!);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = archive }, cancellationToken).ConfigureAwait(false);
        var (setBucket, setKey) = S3Uri.Parse(setUri);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = setBucket, Key = setKey, FilePath = Path.Combine(setFolder, EdgeMlOps.Contracts.Training.AcceptanceSet.FileName) }, cancellationToken).ConfigureAwait(false);
    }

    private async Task RolloutAsync(string scenario, RegisteredModel model, string intended, RolloutContext context, CancellationToken cancellationToken)
    {
        var (registry, machine, controlPlane, rule, devices, iotCore) = context;
        await StepAsync($"Approve model package version {model.Version} ({scenario}): the EventBridge rule starts the edge deployment workflow", async lines =>
        {
            registry.Approve(model.ModelPackageArn);
            var approval = registry.StateChangeEvent(model.ModelPackageArn, FakeAws.AccountId, FakeAws.Region);
            if (!rule.Matches(approval))
            {
                throw new InvalidOperationException($"The approval event of {model.ModelPackageArn} does not match the edge stack's rule.");
            }

            var input = rule.Transform(approval);
            lines.Add($"rule matched; workflow input {input.ToJsonString()}");
            var deploymentsBefore = controlPlane.Deployments.Count;
            var notificationsBefore = controlPlane.Notifications.Count;
            var healthBefore = iotCore.Payloads(HealthTopics).Count;
            var resultsBefore = iotCore.Payloads(ResultTopics).Count;
            var eventsBefore = devices.ToDictionary(d => d.ThingName, d => d.Events.Count, StringComparer.Ordinal);
            var result = await machine.RunAsync(input, controlPlane.Register(new Scenario { Timeout = TimeSpan.FromMinutes(15) }), cancellationToken).ConfigureAwait(false);
            var deployments = controlPlane.Deployments.Skip(deploymentsBefore).ToList();
            var expectedVersion = intended == ScenarioOutcome.RolledBack ? PreviousModelVersion(deployments) : null;
            await WaitForSettledDevicesAsync(devices, expectedVersion, cancellationToken).ConfigureAwait(false);
            var outcome = new RolloutOutcome
            {
                Scenario = scenario,
                ModelPackageArn = model.ModelPackageArn,
                ExecutionStatus = result.Status.ToString(),
                Error = result.Error,
                Deployments = [.. deployments.Select(d => (GroupName(d.TargetArn), ModelVersionOf(d.Components) ?? "(none)"))],
                DeviceModelVersions = devices.ToDictionary(d => d.ThingName, d => d.ComponentVersions.GetValueOrDefault(_settings.Edge.ModelComponentName, "(none)"), StringComparer.Ordinal),
                Notifications = [.. controlPlane.Notifications.Skip(notificationsBefore)],
                HealthPolls = result.InvocationsOf("EvaluateDeviceHealth").Count,
                Intended = intended,
                ModelVersionsInstalled = devices.ToDictionary(d => d.ThingName, d => ModelVersionsInstalled(d.Events.Skip(eventsBefore[d.ThingName])), StringComparer.Ordinal),
                CanaryAcceptance = CanaryAcceptance(iotCore.Payloads(HealthTopics).Skip(healthBefore)),
                PublishedDetections = PublishedDetections(devices, iotCore.Payloads(ResultTopics).Skip(resultsBefore)),
                CanaryShadow = iotCore.Payloads(HealthTopics).Skip(healthBefore).Select(HealthMessage.Read).LastOrDefault(m => m.ThingName == CanaryDevice && m.Shadow is not null)?.Shadow,
            };
            _report.Rollouts.Add(outcome);
            var rolledBack = outcome.Error == "ReleaseRolledBack";
            var release = controlPlane.Ledger.Items.Select(i => EdgeMlOps.FleetStatus.DynamoItems.Release(AttributeValues(i))).SingleOrDefault(r => r.ModelPackageArn == model.ModelPackageArn);
            var reason = rolledBack ? ScenarioReasons.RolledBack(release, outcome.Notifications)
                : result.Status == ExecutionStatus.Succeeded ? ScenarioReasons.Promoted(release, outcome.Notifications, CanaryDevice, outcome.CanaryAcceptance)
                : $"execution {outcome.ExecutionStatus} with {outcome.Error}: {FirstLine(result.Cause)}";
            _report.Scenarios.Add(new ScenarioOutcome(scenario, rolledBack ? ScenarioOutcome.RolledBack : result.Status == ExecutionStatus.Succeeded ? ScenarioOutcome.Promoted : "failed",
                reason, !outcome.Verdict.StartsWith("NOT", StringComparison.Ordinal)));
            lines.Add($"{outcome.Verdict}: execution {outcome.ExecutionStatus}{(outcome.Error is null ? "" : $" with {outcome.Error}")} after {outcome.HealthPolls} health-gate poll(s)");
            if (result.Cause is { } cause)
            {
                lines.Add($"cause: {cause}");
            }
            foreach (var d in deployments)
            {
                lines.Add($"deployment {d.DeploymentId} '{d.Name}' to {GroupName(d.TargetArn)}: {string.Join(", ", d.Components.Select(c => $"{c.Key} {c.Value?["ComponentVersion"]}"))}");
            }

            foreach (var n in controlPlane.Notifications.Skip(notificationsBefore))
            {
                lines.Add($"e-mail: {n.Subject}");
                if (result.Status != ExecutionStatus.Succeeded)
                {
                    lines.AddRange(n.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  | " + l));
                }
            }

            lines.Add($"devices now run model {string.Join(", ", outcome.DeviceModelVersions.Select(kv => $"{kv.Key}={kv.Value}"))}");
            foreach (var (thing, published) in outcome.PublishedDetections)
            {
                lines.Add($"{thing} published results: {(published.Count == 0 ? "none" : string.Join(" -> ", published))}");
            }
            return true;
        }).ConfigureAwait(false);
    }

    private async Task InspectDevicesAsync(RegisteredModel approved, IReadOnlyList<CoreDevice> devices, IotCoreMessages iotCore, LocalDeployment deployment, IAmazonS3 s3,
        TokenExchangeStub tokenExchange, CancellationToken cancellationToken)
    {
        await StepAsync("Check what the canary ran and what came back from the devices", async lines =>
        {
            var canary = devices.Single(d => d.ThingName == CanaryDevice);
            var model = canary.Installed(_settings.Edge.ModelComponentName) ?? throw new InvalidOperationException("The canary has no model component installed.");
            // A release that ran in shadow first also carries the model it was compared with (current.onnx).
            var modelFile = Directory.GetFiles(model.ArtifactsPath, "*.onnx").Single(f => Path.GetFileName(f) != ShadowEvaluation.CurrentModelFileName);
            _report.ModelHashes = (Sha256(approved.Onnx), Sha256(await File.ReadAllBytesAsync(modelFile, cancellationToken).ConfigureAwait(false)));
            lines.Add($"model file on {CanaryDevice}: {Path.GetRelativePath(_work, modelFile)}; its SHA-256 {(_report.ModelHashes.Approved == _report.ModelHashes.OnDevice ? "equals" : "DIFFERS FROM")} that of the approved package's artifact");
            var inference = canary.Installed(_settings.Edge.InferenceComponentName) ?? throw new InvalidOperationException("The canary has no inference component installed.");
            var devicePrefix = inference.Configuration["capture"]?["prefix"]?.GetValue<string>() ?? string.Empty;
            var deviceBucket = inference.Configuration["capture"]?["bucket"]?.GetValue<string>() ?? string.Empty;
            _report.CapturePrefixes = (deployment.Parameter(_contract.LabelingCapturePrefix), devicePrefix);
            var captured = await WaitForCapturesAsync(s3, deviceBucket, devicePrefix, cancellationToken).ConfigureAwait(false);
            _report.CapturedObjects.AddRange(captured);
            lines.Add($"{captured.Count} uncertain image(s) uploaded to s3://{deviceBucket}/{devicePrefix} with the token exchange service's credentials ({tokenExchange.Served} credential request(s))");
            var results = iotCore.Payloads($"{_settings.Edge.TopicPrefix}/+/inference/results");
            _report.ResultsPublished = results.Count;
            _report.DetectionsPublished = results.Sum(r => (r["detections"] as JsonArray)?.Count ?? 0);
            _report.HealthMessages = iotCore.Payloads($"{_settings.Edge.TopicPrefix}/+/inference/health").Count;
            _report.ConfigurationUpdatesWithoutRestart = devices.Sum(d => d.Events.Count(e => e.Contains("without a restart", StringComparison.Ordinal)));
            lines.Add($"IoT Core received {_report.ResultsPublished} results ({_report.DetectionsPublished} detections) and {_report.HealthMessages} health messages");
            foreach (var e in canary.Events)
            {
                lines.Add($"{CanaryDevice}: {e}");
            }

            return true;
        }).ConfigureAwait(false);
    }

    private string HealthTopics => $"{_settings.Edge.TopicPrefix}/+/inference/health";

    private string ResultTopics => $"{_settings.Edge.TopicPrefix}/+/inference/results";

    /// <summary>Per device, each change of what its results carried (model version and first detection), in order.</summary>
    private static Dictionary<string, IReadOnlyList<string>> PublishedDetections(IReadOnlyList<CoreDevice> devices, IEnumerable<JsonObject> results)
    {
        var messages = results.Select(InferenceResultMessage.Read).ToList();
        return devices.ToDictionary(d => d.ThingName, d =>
        {
            var changes = new List<string>();
            foreach (var m in messages.Where(m => m.ThingName == d.ThingName))
            {
                var first = m.Detections.FirstOrDefault();
                var text = first is null ? $"{m.ModelComponentVersion}: none"
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{m.ModelComponentVersion}: {first.ClassName} {first.Confidence:0.##} [{first.Box.X1:0},{first.Box.Y1:0},{first.Box.X2:0},{first.Box.Y2:0}]");
                if (changes.Count == 0 || changes[^1] != text)
                {
                    changes.Add(text);
                }
            }

            return (IReadOnlyList<string>)changes;
        }, StringComparer.Ordinal);
    }

    /// <summary>The canary's last acceptance result among <paramref name="healthMessages"/> (what it reported, what the gate read).</summary>
    private static HealthAcceptance? CanaryAcceptance(IEnumerable<JsonObject> healthMessages) => healthMessages
        .Select(HealthMessage.Read)
        .Where(m => m.ThingName == CanaryDevice && m.Acceptance.Status is not (AcceptanceStatuses.None or AcceptanceStatuses.Pending))
        .Select(m => m.Acceptance)
        .LastOrDefault();

    /// <summary>The model component versions a device's events say it installed (<c>com.edgemlops.Model 2.0.0: installed ...</c>).</summary>
    private IReadOnlyList<string> ModelVersionsInstalled(IEnumerable<string> events)
    {
        var prefix = $" {_settings.Edge.ModelComponentName} ";
        return [.. events
            .Select(e => e.IndexOf(prefix, StringComparison.Ordinal) is var at and >= 0 ? e[(at + prefix.Length)..] : null)
            .OfType<string>()
            .Where(rest => rest.Contains(": installed", StringComparison.Ordinal))
            .Select(rest => rest[..rest.IndexOf(':', StringComparison.Ordinal)])];
    }

    // The rollback restores the component list the canary had before this execution's first deployment.
    private string? PreviousModelVersion(IReadOnlyList<Deployment> deployments) =>
        deployments.Count > 1 ? ModelVersionOf(deployments[^1].Components) : null;

    private string? ModelVersionOf(JsonObject components) => components[_settings.Edge.ModelComponentName]?["ComponentVersion"]?.GetValue<string>();

    private string GroupName(string thingGroupArn) => thingGroupArn[(thingGroupArn.LastIndexOf('/') + 1)..];

    /// <summary>Waits until every device finished its latest deployment (and, after a rollback, runs the restored model again and reports from it).</summary>
    private async Task WaitForSettledDevicesAsync(IReadOnlyList<CoreDevice> devices, string? restoredModelVersion, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var canary = devices.Single(d => d.ThingName == CanaryDevice);
            if (restoredModelVersion is null || canary.ComponentVersions.GetValueOrDefault(_settings.Edge.ModelComponentName) == restoredModelVersion)
            {
                return;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<List<string>> WaitForCapturesAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(45);
        while (true)
        {
            var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix }, cancellationToken).ConfigureAwait(false);
            var images = (listing.S3Objects ?? []).Select(o => o.Key).Where(k => k.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
            if (images.Count > 0 || DateTimeOffset.UtcNow > deadline)
            {
                return images;
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
    }

    private static HealthTopicRule HealthRule(JsonObject edgeTemplate, IntrinsicResolver resolver)
    {
        var template = new CloudFormationTemplate(edgeTemplate);
        // The heartbeat rule; the drift event rule (WHERE drift.drifted) also writes DynamoDB, the training app's table.
        var id = template.LogicalIdsOfType("AWS::IoT::TopicRule").Single(r => template.Properties(r)["TopicRulePayload"]?["Actions"]?[0]?["DynamoDBv2"] is not null
            && template.Properties(r)["TopicRulePayload"]?["Sql"]?.GetValue<string>().EndsWith("WHERE drift.drifted = true", StringComparison.Ordinal) != true);
        var payload = resolver.Resolve(template.Properties(id)["TopicRulePayload"], $"Resources.{id}.Properties.TopicRulePayload");
        return HealthTopicRule.Parse(payload["Sql"]!.GetValue<string>(), payload["Actions"]![0]!["DynamoDBv2"]!["PutItem"]!["TableName"]!.GetValue<string>());
    }

    /// <summary>The health table's index as the edge stack defines it (the only table with a global secondary index).</summary>
    private static DynamoDbIndex HealthIndex(JsonObject edgeTemplate)
    {
        var template = new CloudFormationTemplate(edgeTemplate);
        var index = template.LogicalIdsOfType("AWS::DynamoDB::Table")
            .Select(id => template.Properties(id)["GlobalSecondaryIndexes"]?[0])
            .Single(i => i is not null)!;
        string Key(string type) => index["KeySchema"]!.AsArray().Single(k => k!["KeyType"]!.GetValue<string>() == type)!["AttributeName"]!.GetValue<string>();
        return new DynamoDbIndex(index["IndexName"]!.GetValue<string>(), Key("HASH"), Key("RANGE"),
            index["Projection"]?["NonKeyAttributes"] is JsonArray attributes ? [.. attributes.Select(a => a!.GetValue<string>())] : null);
    }

    private static JsonObject ApprovalRuleProperties(JsonObject edgeTemplate, IntrinsicResolver resolver)
    {
        var template = new CloudFormationTemplate(edgeTemplate);
        var id = template.LogicalIdsOfType("AWS::Events::Rule").Single(r => template.Properties(r)["EventPattern"]?["detail-type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "SageMaker Model Package State Change"));
        var properties = template.Properties(id);
        return new JsonObject
        {
            ["EventPattern"] = resolver.Resolve(properties["EventPattern"], $"Resources.{id}.Properties.EventPattern"),
            ["Targets"] = new JsonArray(new JsonObject { ["InputTransformer"] = resolver.Resolve(properties["Targets"]![0]!["InputTransformer"], $"Resources.{id}.Properties.Targets[0].InputTransformer") }),
        };
    }

    /// <summary>What a twin core device's components run with: "S3" is the local server, credentials come from the token exchange service.</summary>
    private static Dictionary<string, string> DeviceEnvironment(string region, S3rverServer s3, TokenExchangeStub tokenExchange) => new(StringComparer.Ordinal)
    {
        ["AWS_REGION"] = region,
        ["AWS_DEFAULT_REGION"] = region,
        ["AWS_ENDPOINT_URL_S3"] = s3.EndpointUrl,
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = tokenExchange.CredentialsUri,
        ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = tokenExchange.Authorization,
    };

    /// <summary>A core device served by <paramref name="controlPlane"/>, added to <paramref name="devices"/> (which the caller disposes).</summary>
    private CoreDevice NewDevice(string thing, List<CoreDevice> devices, EdgeControlPlane controlPlane, IAmazonS3 client, IotCoreMessages iotCore,
        IReadOnlyDictionary<string, string> environment, string socketFolder)
    {
        var device = new CoreDevice(new CoreDeviceProps
        {
            ThingName = thing,
            RootDirectory = Path.Combine(_work, "devices", thing),
            SocketDirectory = socketFolder,
            Components = controlPlane,
            Artifacts = new S3ArtifactStore(client),
            IotCore = iotCore,
            Environment = environment,
        });
        devices.Add(device);
        return device;
    }

    /// <summary>The thing group ARN a targeting state of the edge workflow (TargetTheCanaryGroup, TargetTheFleetGroup) sets.</summary>
    private static string GroupArn(JsonObject definition, string state) => definition["States"]![state]!["Result"]!["thingGroupArn"]!.GetValue<string>();

    private static string FirstLine(string? text) => text?.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : "no cause given";

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private async Task<T> StepAsync<T>(string title, Func<List<string>, Task<T>> body)
    {
        _options.Progress($"==> {title}");
        var watch = Stopwatch.StartNew();
        var lines = new List<string>();
        try
        {
            return await body(lines).ConfigureAwait(false);
        }
        finally
        {
            _report.Steps.Add(new TwinStep(title, watch.Elapsed, lines));
            foreach (var line in lines)
            {
                _options.Progress("    " + line);
            }

            _options.Progress($"    ({watch.Elapsed.TotalSeconds:0.0} s)");
        }
    }
}

/// <summary>The models the scenarios release, in release order.</summary>
internal sealed record TwinModelSet(RegisteredModel FirstRelease, RegisteredModel Good, RegisteredModel Blind, RegisteredModel Disagreeing, RegisteredModel Faulty)
{
    public IEnumerable<RegisteredModel> All => [FirstRelease, Good, Blind, Disagreeing, Faulty];
}

/// <summary>What every rollout of the run shares: the registry, the synthesized workflow, the control plane and the devices.</summary>
internal sealed record RolloutContext(ModelRegistry Registry, LocalStateMachine Machine, EdgeControlPlane ControlPlane, EventRuleTarget Rule,
    IReadOnlyList<CoreDevice> Devices, IotCoreMessages IotCore);
