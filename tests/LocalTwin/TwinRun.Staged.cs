using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Cdk.ModelTraining.Promotion;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Contracts;
using EdgeMlOps.LocalTwin.Cloud;
using EdgeMlOps.LocalTwin.Device;
using EdgeMlOps.LocalTwin.Report;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.CloudFormation;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.LocalTwin;

/// <summary>
/// The staged promotion (issue 16) on the twin: config/twin-staged.yaml's pre-production and production stages
/// synthesized and "deployed" onto the local S3 server; the candidate approved in dev goes through the real
/// pre-production promotion workflow (digest checks, copies, registration) and edge workflow (a twin device as canary,
/// the only device of the stage, as the EC2 twin is in pre-production: the fleet group is empty, so the workflow
/// creates its deployment, skips its health wait and must say so), then the real production promotion
/// workflow, which waits for a person (the twin answers with SendTaskSuccess and the token from the e-mail), and
/// production's edge workflow (a canary and a fleet device). Every device must run the same artifact SHA-256.
/// </summary>
public sealed partial class TwinRun
{
    private const string StagedEnvironmentName = "twin-staged";
    private const string StagedScenario = "staged";
    private const string PreProductionCanary = "twin-preprod-canary";
    private const string ProductionCanary = "twin-prod-canary";
    private const string ProductionFleetDevice = "twin-prod-line-01";
    private const string PromotionDescribe = "arn:aws:states:::aws-sdk:sagemaker:describeModelPackage";
    private const string PromotionCreate = "arn:aws:states:::aws-sdk:sagemaker:createModelPackage";
    private const string PromotionCopy = "arn:aws:states:::aws-sdk:s3:copyObject";
    private const string PromotionAskPerson = "arn:aws:states:::sns:publish.waitForTaskToken";
    private const string PromotionPublish = "arn:aws:states:::sns:publish";

    /// <summary>The staged environment's stages, each synthesized and deployed onto the local S3 server.</summary>
    private sealed record StagedStage(DeploymentTarget Target, AppSettings Settings, SynthesizedApps Apps, LocalDeployment Deployment, ModelRegistry Registry);

    private async Task StagedAsync(RegisteredModel candidate, S3rverServer twinS3, IAmazonS3 twinClient, CancellationToken cancellationToken)
    {
        // The staged accounts get their own local S3 server, apart from the twin environment's buckets.
        var stagedFolder = Path.Combine(_work, "staged");
        if (Directory.Exists(stagedFolder))
        {
            Directory.Delete(stagedFolder, recursive: true);
        }

        await using var stagedS3 = S3rverServer.Create(dataDirectory: Path.Combine(stagedFolder, "s3"));
        await stagedS3.StartAsync(cancellationToken).ConfigureAwait(false);
        using var stagedClient = stagedS3.CreateClient();
        await RunStagedAsync(candidate, twinClient, stagedS3, stagedClient, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunStagedAsync(RegisteredModel candidate, IAmazonS3 twinClient, S3rverServer s3, IAmazonS3 client, CancellationToken cancellationToken)
    {
        var settings = SettingsLoader.LoadEnvironment(_options.RepositoryRoot, StagedEnvironmentName);
        var stages = settings.Stages ?? throw new InvalidOperationException($"config/{StagedEnvironmentName}.yaml has no stages section.");
        var deviceHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        string? failure = null;
        try
        {
            var (preProduction, production) = await StepAsync($"Staged: synthesize pre-production and production from config/{StagedEnvironmentName}.yaml and deploy them onto the local S3 server", async lines =>
            {
                async Task<StagedStage> Stage(DeploymentTarget target)
                {
                    var stageSettings = settings.ForStage(target);
                    var apps = SynthesizedApps.Synthesize(stageSettings, _options.RepositoryRoot, Path.Combine(_work, "staged", target.Name, "cdk.out"));
                    var deployed = await LocalDeployment.DeployAsync(apps, client, cancellationToken).ConfigureAwait(false);
                    lines.Add($"{target.Name} ({target.Account}): {apps.AllTemplates.Count()} stacks, {deployed.Buckets.Count} buckets, {deployed.Parameters.Count} SSM parameters");
                    return new StagedStage(target, stageSettings, apps, deployed, new ModelRegistry());
                }

                return (await Stage(stages.PreProduction).ConfigureAwait(false), await Stage(stages.Production).ConfigureAwait(false));
            }).ConfigureAwait(false);

            var devPackage = await StepAsync("Staged: the candidate is registered and approved in dev (its files in dev's training artifacts bucket)", async lines =>
            {
                var package = await RegisterInDevAsync(candidate, settings, stages.Dev, twinClient, client, cancellationToken).ConfigureAwait(false);
                lines.Add($"{package["ModelPackageArn"]}: ONNX SHA-256 {Sha256(candidate.Onnx)}, metadata {package["CustomerMetadataProperties"]!.ToJsonString()}");
                return package;
            }).ConfigureAwait(false);
            var devRegistry = new ModelRegistry();
            devRegistry.Add(devPackage);

            // Dev's approval event, forwarded to pre-production's default bus, starts its promotion.
            var approval = devRegistry.StateChangeEvent(devPackage["ModelPackageArn"]!.GetValue<string>(), stages.Dev.Account, stages.Dev.Region);
            var preProductionPackage = await PromoteAsync(preProduction, devRegistry, approval, s3, client, cancellationToken).ConfigureAwait(false);
            var preProductionRelease = await StagedReleaseAsync(preProduction, preProductionPackage, [PreProductionCanary], [], s3, client, deviceHashes, cancellationToken).ConfigureAwait(false);

            // Pre-production's passed release, forwarded to production's default bus, starts production's promotion.
            var releaseEvent = ExecutionSucceededEvent(preProduction, preProductionRelease);
            var productionPackage = await PromoteAsync(production, preProduction.Registry, releaseEvent, s3, client, cancellationToken).ConfigureAwait(false);
            await StagedReleaseAsync(production, productionPackage, [ProductionCanary], [ProductionFleetDevice], s3, client, deviceHashes, cancellationToken).ConfigureAwait(false);
        }
        catch (StagedScenarioException e)
        {
            failure = e.Message;
        }

        var expected = Sha256(candidate.Onnx);
        var devices = new[] { PreProductionCanary, ProductionCanary, ProductionFleetDevice };
        var missing = devices.Where(d => !deviceHashes.ContainsKey(d)).ToList();
        var differing = deviceHashes.Where(kv => kv.Value != expected).Select(kv => kv.Key).ToList();
        failure ??= missing.Count > 0 ? $"no model file on {string.Join(", ", missing)}"
            : differing.Count > 0 ? $"{string.Join(", ", differing)} run another artifact than the one approved in dev"
            : null;
        _report.Scenarios.Add(failure is null
            ? new ScenarioOutcome(StagedScenario, ScenarioOutcome.Promoted, $"pre-production and production canary and fleet run the artifact approved in dev, SHA-256 {expected[..12]}, after a person approved", true)
            : new ScenarioOutcome(StagedScenario, ScenarioOutcome.RolledBack, failure, false));
    }

    /// <summary>
    /// What dev's training registers, for the candidate: its ONNX model, acceptance set and archive and a model
    /// archive copied into dev's training artifacts bucket, the package's URIs pointing there, approved.
    /// </summary>
    private static async Task<JsonObject> RegisterInDevAsync(RegisteredModel candidate, AppSettings settings, DeploymentTarget dev, IAmazonS3 twinS3, IAmazonS3 s3, CancellationToken cancellationToken)
    {
        var source = ModelPromotionSource.Of(settings, dev);
        await s3.PutBucketAsync(source.ArtifactsBucketName, cancellationToken).ConfigureAwait(false);
        var package = (JsonObject)candidate.Package.DeepClone();
        var metadata = package["CustomerMetadataProperties"]!.AsObject();
        async Task<string> CopyToDev(string uri)
        {
            var from = S3Uri.Parse(uri);
            var target = new S3Uri(source.ArtifactsBucketName, from.Key);
            await CopyAsync(twinS3, from, s3, target, cancellationToken).ConfigureAwait(false);
            return target.ToString();
        }

        metadata[ModelPackageMetadata.OnnxModelUri] = await CopyToDev(metadata[ModelPackageMetadata.OnnxModelUri]!.GetValue<string>()).ConfigureAwait(false);
        var setUri = metadata[ModelPackageMetadata.AcceptanceSetUri]!.GetValue<string>();
        await CopyToDev(EdgeMlOps.Contracts.Training.AcceptanceSet.ArchiveUri(setUri)!).ConfigureAwait(false);
        metadata[ModelPackageMetadata.AcceptanceSetUri] = await CopyToDev(setUri).ConfigureAwait(false);

        // No training job runs here: the model archive is a stand-in file where the job would have written it.
        var container = package["InferenceSpecification"]!["Containers"]![0]!.AsObject();
        var (_, modelDataKey) = S3Uri.Parse(container["ModelDataUrl"]!.GetValue<string>());
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = source.ArtifactsBucketName, Key = modelDataKey, ContentBody = "model.tar.gz of the dev training job (twin stand-in)" }, cancellationToken).ConfigureAwait(false);
        container["ModelDataUrl"] = new S3Uri(source.ArtifactsBucketName, modelDataKey).ToString();
        container["Image"] = $"{dev.Account}.dkr.ecr.{dev.Region}.amazonaws.com/{source.ResourcePrefix}-training:twin";

        package["ModelPackageGroupName"] = source.ModelPackageGroupName;
        package["ModelPackageArn"] = $"arn:aws:sagemaker:{dev.Region}:{dev.Account}:model-package/{source.ModelPackageGroupName.ToLowerInvariant()}/1";
        package["ModelPackageVersion"] = 1;
        package["ModelApprovalStatus"] = "Approved";
        return package;
    }

    /// <summary>
    /// The stage's synthesized model promotion, started by its rule from <paramref name="trigger"/> (the previous
    /// stage's event): the digest Lambda for real against the local S3, S3 copies, the source stage's registry, this
    /// stage's registry. A person is asked in production: the twin reads the token from the e-mail and approves.
    /// Returns the package it registered.
    /// </summary>
    private async Task<string> PromoteAsync(StagedStage stage, ModelRegistry sourceRegistry, JsonObject trigger, S3rverServer s3, IAmazonS3 client, CancellationToken cancellationToken)
    {
        return await StepAsync($"Staged: {stage.Target.Name} model promotion (the synthesized workflow, started by its rule)", async lines =>
        {
            var template = stage.Apps.TemplateWith("training", "AWS::SageMaker::Pipeline");
            var cfn = new CloudFormationTemplate(template);
            var machineId = cfn.LogicalIdsOfType("AWS::StepFunctions::StateMachine")
                .Single(id => cfn.Properties(id)["StateMachineName"]?.GetValue<string>()?.EndsWith("-model-promotion", StringComparison.Ordinal) == true);
            var resolver = new IntrinsicResolver(cfn, stage.Deployment.Parameters);
            var ruleId = cfn.LogicalIdsOfType("AWS::Events::Rule")
                .Single(id => cfn.Properties(id)["Targets"]?.ToJsonString().Contains(machineId, StringComparison.Ordinal) == true);
            var rule = new EventRuleTarget(new JsonObject
            {
                ["EventPattern"] = resolver.Resolve(cfn.Properties(ruleId)["EventPattern"], $"Resources.{ruleId}.Properties.EventPattern"),
                ["Targets"] = new JsonArray(new JsonObject { ["InputTransformer"] = resolver.Resolve(cfn.Properties(ruleId)["Targets"]![0]!["InputTransformer"], $"Resources.{ruleId}.Properties.Targets[0].InputTransformer") }),
            });
            if (!rule.Matches(trigger))
            {
                throw new StagedScenarioException($"the {stage.Target.Name} promotion rule does not match the {trigger["detail-type"]} event from {trigger["account"]}");
            }

            var input = rule.Transform(trigger);
            lines.Add($"rule matched; input {Shorten(input.ToJsonString())}");
            var machine = LocalStateMachine.FromTemplate(template, machineId, new LocalStateMachineOptions { SsmParameters = stage.Deployment.Parameters });
            var notifications = new List<string>();
            var approvedWithToken = false;
            string? approveCommand = null;
            var scenario = new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.RepeatLast, Timeout = TimeSpan.FromMinutes(5) }
                .Handle(PromotionDescribe, p => sourceRegistry.Describe(p!["ModelPackageName"]!.GetValue<string>())
                    ?? throw new TaskFailure("SageMaker.ResourceNotFound", $"Model package {p["ModelPackageName"]} does not exist"))
                .Handle(PromotionCopy, p =>
                {
                    var source = Uri.UnescapeDataString(p!["CopySource"]!.GetValue<string>());
                    var slash = source.IndexOf('/', StringComparison.Ordinal);
                    CopyAsync(client, new S3Uri(source[..slash], source[(slash + 1)..]), client, new S3Uri(p["Bucket"]!.GetValue<string>(), p["Key"]!.GetValue<string>()), cancellationToken).GetAwaiter().GetResult();
                    return new JsonObject { ["CopyObjectResult"] = new JsonObject { ["LastModified"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture) } };
                })
                .Handle(PromotionCreate, p => RegisterPromoted(stage, p!))
                .Handle(PromotionPublish, p =>
                {
                    notifications.Add($"{p!["Subject"]}: {p["Message"]}");
                    return new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() };
                })
                .Handle(PromotionAskPerson, p =>
                {
                    // The person reads the request and runs its approve command with the token the e-mail carries.
                    var message = p!["Message"]!.GetValue<string>();
                    notifications.Add($"{p["Subject"]}: {message}");
                    var approve = message.Split('\n').FirstOrDefault(l => l.Contains("send-task-success", StringComparison.Ordinal))
                        ?? throw new TaskFailure("Twin.NoApproveCommand", "The promotion request carries no send-task-success command");
                    approveCommand = approve.Trim();
                    var token = approve[(approve.IndexOf("--task-token ", StringComparison.Ordinal) + "--task-token ".Length)..].Trim();
                    approvedWithToken = token == LocalStateMachine.TaskToken;
                    return approvedWithToken ? JsonValue.Create(true) : throw new TaskFailure("States.TaskTimedOut", $"The e-mail's token '{token}' is not the task's");
                })
                .WithLambdaEnvironment(s3.ClientEnvironment);
            var result = await machine.RunAsync(input, scenario, cancellationToken).ConfigureAwait(false);
            foreach (var n in notifications)
            {
                lines.Add("e-mail: " + Shorten(n.Replace('\n', ' ')));
            }

            if (approveCommand is not null)
            {
                lines.Add($"the person ran the e-mail's command: {approveCommand}");
            }

            if (result.Status != ExecutionStatus.Succeeded)
            {
                throw new StagedScenarioException($"the {stage.Target.Name} promotion ended {result.Status} with {result.Error}: {FirstLine(result.Cause)} {notifications.LastOrDefault()}");
            }

            var registered = result.Output?["promoted"]?["modelPackageArn"]?.GetValue<string>()
                ?? throw new StagedScenarioException($"the {stage.Target.Name} promotion registered no package");
            var metadata = stage.Registry.Describe(registered)!["CustomerMetadataProperties"]!;
            lines.Add($"registered {registered}{(approvedWithToken ? " after the person approved with the e-mail's token" : string.Empty)}; onnxModelUri {metadata[ModelPackageMetadata.OnnxModelUri]}, acceptanceSetUri {metadata[ModelPackageMetadata.AcceptanceSetUri]}");
            return registered;
        }).ConfigureAwait(false);
    }

    /// <summary>A copy by reading and writing: the local S3 server's own copy does not accept every SDK form.</summary>
    private static async Task CopyAsync(IAmazonS3 from, S3Uri source, IAmazonS3 s3, S3Uri target, CancellationToken cancellationToken)
    {
        using var original = await from.GetObjectAsync(source.Bucket, source.Key, cancellationToken).ConfigureAwait(false);
        using var body = new MemoryStream();
        await original.ResponseStream.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        body.Position = 0;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = target.Bucket, Key = target.Key, InputStream = body }, cancellationToken).ConfigureAwait(false);
    }

    private static JsonNode RegisterPromoted(StagedStage stage, JsonNode parameters)
    {
        var group = parameters["ModelPackageGroupName"]!.GetValue<string>();
        var version = stage.Registry.Approved(group).Count + 1;
        var arn = $"arn:aws:sagemaker:{stage.Target.Region}:{stage.Target.Account}:model-package/{group.ToLowerInvariant()}/{version}";
        stage.Registry.Add(new JsonObject
        {
            ["ModelPackageGroupName"] = group,
            ["ModelPackageVersion"] = version,
            ["ModelPackageArn"] = arn,
            ["ModelPackageDescription"] = parameters["ModelPackageDescription"]?.DeepClone(),
            ["CreationTime"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["InferenceSpecification"] = parameters["InferenceSpecification"]!.DeepClone(),
            ["ModelApprovalStatus"] = parameters["ModelApprovalStatus"]!.GetValue<string>(),
            ["CustomerMetadataProperties"] = parameters["CustomerMetadataProperties"]!.DeepClone(),
        });
        return new JsonObject { ["ModelPackageArn"] = arn };
    }

    /// <summary>
    /// The stage's synthesized edge workflow releasing its promoted package (its approval event through the edge
    /// stack's rule) to real twin devices; returns the execution's result. Records each device's model file digest.
    /// </summary>
    private async Task<(string ExecutionArn, JsonNode Output)> StagedReleaseAsync(StagedStage stage, string modelPackageArn, string[] canary, string[] fleet,
        S3rverServer s3, IAmazonS3 client, Dictionary<string, string> deviceHashes, CancellationToken cancellationToken)
    {
        return await StepAsync($"Staged: {stage.Target.Name} edge workflow releases {modelPackageArn[(modelPackageArn.IndexOf('/', StringComparison.Ordinal) + 1)..]} to {string.Join(", ", canary.Concat(fleet))}", async lines =>
        {
            var edgeTemplate = stage.Apps.TemplateWith("edge", "AWS::GreengrassV2::ComponentVersion");
            var machine = LocalStateMachine.FromTemplate(edgeTemplate, options: new LocalStateMachineOptions { SsmParameters = stage.Deployment.Parameters });
            var cfn = new CloudFormationTemplate(edgeTemplate);
            var resolver = new IntrinsicResolver(cfn, stage.Deployment.Parameters);
            await using var tokenExchange = new TokenExchangeStub(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), S3rverServer.AccessKey);
            var iotCore = new IotCoreMessages();
            var socketFolder = Path.Combine(Path.GetTempPath(), $"edgemlops-twin-{stage.Target.Name}-{Environment.ProcessId}-{Environment.TickCount64}");
            var groups = new Dictionary<string, IReadOnlyList<CoreDevice>>(StringComparer.Ordinal);
            var controlPlane = new EdgeControlPlane(new EdgeControlPlaneProps
            {
                S3 = client,
                Registry = stage.Registry,
                Groups = groups,
                GroupArnsByName = ThingGroups.ArnsByName(machine.Definition),
                HealthRule = HealthRule(edgeTemplate, resolver),
                HealthIndex = HealthIndex(edgeTemplate),
                LockTableName = HealthTableItems.TableNames(machine.Definition).LockTable,
                LedgerTableName = HealthTableItems.LedgerTableName(machine.Definition),
                IotCore = iotCore,
                PollDelay = TimeSpan.FromSeconds(stage.Settings.Edge.HealthGate.PollIntervalSeconds / (double)_options.TimeScale),
            });
            var devices = new List<CoreDevice>();
            try
            {
                var environment = DeviceEnvironment(stage.Settings.Region, s3, tokenExchange);
                CoreDevice Device(string thing) => NewDevice(thing, devices, controlPlane, client, iotCore, environment, socketFolder);
                groups[GroupArn(machine.Definition, "TargetTheCanaryGroup")] = [.. canary.Select(Device)];
                groups[GroupArn(machine.Definition, "TargetTheFleetGroup")] = [.. fleet.Select(Device)];
                foreach (var id in cfn.LogicalIdsOfType("AWS::GreengrassV2::ComponentVersion"))
                {
                    controlPlane.RegisterComponentVersion(resolver.ResolveString(cfn.Properties(id)["InlineRecipe"], $"Resources.{id}.Properties.InlineRecipe"));
                }

                var rule = new EventRuleTarget(ApprovalRuleProperties(edgeTemplate, resolver));
                var approval = stage.Registry.StateChangeEvent(modelPackageArn, stage.Target.Account, stage.Target.Region);
                if (!rule.Matches(approval))
                {
                    throw new StagedScenarioException($"the {stage.Target.Name} edge rule does not match the approval of {modelPackageArn}");
                }

                var executionName = $"release-{stage.Target.Name}";
                var result = await machine.RunAsync(rule.Transform(approval), controlPlane.Register(new Scenario { Timeout = TimeSpan.FromMinutes(15) }), cancellationToken).ConfigureAwait(false);
                foreach (var d in controlPlane.Deployments)
                {
                    lines.Add($"deployment '{d.Name}' to {GroupName(d.TargetArn)}: model {ModelVersionOf(d.Components) ?? "(none)"}");
                }

                foreach (var n in controlPlane.Notifications)
                {
                    lines.Add($"e-mail: {n.Subject}");
                    if (result.Status != ExecutionStatus.Succeeded)
                    {
                        lines.AddRange(n.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  | " + l));
                    }
                }

                foreach (var device in devices)
                {
                    var model = device.Installed(stage.Settings.Edge.ModelComponentName);
                    var file = model is null ? null : Directory.GetFiles(model.ArtifactsPath, "*.onnx").SingleOrDefault();
                    if (file is not null)
                    {
                        deviceHashes[device.ThingName] = Sha256(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
                        lines.Add($"{device.ThingName}: model file {Path.GetRelativePath(_work, file)}, SHA-256 {deviceHashes[device.ThingName]}");
                    }
                }

                if (result.Status != ExecutionStatus.Succeeded)
                {
                    throw new StagedScenarioException($"the {stage.Target.Name} edge workflow ended {result.Status} with {result.Error}: {FirstLine(result.Cause)}");
                }

                lines.Add($"execution SUCCEEDED after {result.InvocationsOf("EvaluateDeviceHealth").Count} health-gate poll(s)");
                if (fleet.Length == 0)
                {
                    // A stage whose canary is its only device: the fleet deployment must exist (for devices that join
                    // later) and the success e-mail must say that the fleet's health wait was skipped.
                    var fleetArn = GroupArn(machine.Definition, "TargetTheFleetGroup");
                    var success = controlPlane.Notifications.LastOrDefault(n => n.Subject.Contains("rolled out to the fleet", StringComparison.Ordinal)).Message ?? "";
                    if (!controlPlane.Deployments.Any(d => d.TargetArn == fleetArn) || !success.Contains("the fleet health wait was skipped", StringComparison.Ordinal))
                    {
                        throw new StagedScenarioException($"the {stage.Target.Name} edge workflow did not deploy its empty fleet group {GroupName(fleetArn)} and report the skipped health wait");
                    }

                    lines.Add($"fleet group {GroupName(fleetArn)} has no devices: deployed for devices that join later, its health wait skipped (said in the success e-mail)");
                }
                return ($"{EdgeStateMachineArn(stage).Replace(":stateMachine:", ":execution:", StringComparison.Ordinal)}:{executionName}", result.Output ?? new JsonObject());
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
        }).ConfigureAwait(false);
    }

    /// <summary>The Step Functions status change event of the pre-production release, as EventBridge delivers it.</summary>
    private static JsonObject ExecutionSucceededEvent(StagedStage stage, (string ExecutionArn, JsonNode Output) release) => new()
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = "Step Functions Execution Status Change",
        ["source"] = "aws.states",
        ["account"] = stage.Target.Account,
        ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["region"] = stage.Target.Region,
        ["resources"] = new JsonArray(release.ExecutionArn),
        ["detail"] = new JsonObject
        {
            ["executionArn"] = release.ExecutionArn,
            ["stateMachineArn"] = EdgeStateMachineArn(stage),
            ["status"] = "SUCCEEDED",
            ["output"] = release.Output.ToJsonString(),
        },
    };

    // As ModelPromotionSource names it, in the partition the twin resolves (aws).
    private static string EdgeStateMachineArn(StagedStage stage) =>
        $"arn:aws:states:{stage.Target.Region}:{stage.Target.Account}:stateMachine:{stage.Settings.ResourcePrefix}-edge-deployment";

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    /// <summary>Ends the staged scenario with a reason (not a crash of the whole twin run).</summary>
    private sealed class StagedScenarioException(string message) : Exception(message);
}
