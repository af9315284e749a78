using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.StateMachines;
using static EdgeMlOps.Testing.Greengrass.EdgeDeploymentTasks;

namespace EdgeMlOps.Testing.Greengrass;

/// <summary>A Greengrass deployment the workflow created.</summary>
public sealed record CreatedDeployment(string DeploymentId, string TargetArn, string Name, JsonObject Components);

/// <summary>
/// A stateful fake of the AWS calls the edge deployment workflow makes: the model registry, S3 copy, Greengrass
/// component versions, deployments per thing group (each creates an IoT job whose executions report what the
/// scenario decides; each DescribeJob is one poll), core devices, the health table (a heartbeat written as the
/// health rule writes it for every device that finished its execution, at each poll), the release lock, the
/// execution status of a lock holder, notifications, the approval and the SSM record. List calls page like AWS
/// (MaxResults, NextToken, status filters). Answers are shaped like Step Functions SDK-integration results
/// (PascalCase). Every resource it serves is in <see cref="EdgeDeploymentTasks.All"/>; register it for all of
/// them with <see cref="Register"/>.
/// </summary>
public sealed class FakeEdgeControlPlane : ITaskHandler
{
    /// <summary>A control plane for the synthesized workflow <paramref name="definition"/> (its health and lock table names).</summary>
    public FakeEdgeControlPlane(JsonObject definition)
    {
        var (health, releaseLock) = HealthTableItems.TableNames(definition);
        HealthTable = HealthTableItems.HealthTable(health);
        LockTable = HealthTableItems.LockTable(releaseLock);
        Ledger = HealthTableItems.LedgerTable(HealthTableItems.LedgerTableName(definition));
        _groupArnByName = ThingGroups.ArnsByName(definition);
    }

    private readonly IReadOnlyDictionary<string, string> _groupArnByName;

    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _latestByTarget = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CreatedDeployment> _byJobId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _executionPolls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Version, string State, long At)> _lastHeartbeat = new(StringComparer.Ordinal);

    /// <summary>Approved packages, newest first, as DescribeModelPackage returns them.</summary>
    public List<JsonObject> Registry { get; } = [];

    /// <summary>Component versions that exist already (<c>name:version</c>).</summary>
    public HashSet<string> ExistingComponentVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>What DescribeComponent reports for a created version. Default: DEPLOYABLE.</summary>
    public (string State, string Message) ComponentStatus { get; set; } = ("DEPLOYABLE", "NONE");

    /// <summary>What DescribeComponent reports for a component version ARN. Default: <see cref="ComponentStatus"/>.</summary>
    public Func<string, (string State, string Message)>? ComponentStatusOf { get; set; }

    /// <summary>Devices of each thing group by group ARN.</summary>
    public Dictionary<string, List<string>> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>The job execution status of a device at the n-th poll (1-based). Default: IN_PROGRESS once, then SUCCEEDED.</summary>
    public Func<string, int, string> JobExecutionStatus { get; set; } = (_, poll) => poll == 1 ? "IN_PROGRESS" : "SUCCEEDED";

    /// <summary>(frames seen, failed frames) a device reports. Default: 120 frames, 1 failed.</summary>
    public Func<string, (long Frames, long Failures)> Heartbeat { get; set; } = _ => (120, 1);

    /// <summary>(state, last error) a device reports. Default: RUNNING without error.</summary>
    public Func<string, (string State, string? LastError)> HeartbeatState { get; set; } = _ => ("RUNNING", null);

    /// <summary>
    /// How often (real milliseconds, the clock the health gate's freshness check reads) a device that keeps running the
    /// same model in the same state publishes its health again; a change of model or state is published at the next
    /// poll. Default: 0, every device publishes at every poll. Fakes of large fleets set the component's health
    /// interval so each poll does not rewrite every device's item.
    /// </summary>
    public long HeartbeatEveryMs { get; set; }

    /// <summary>
    /// The shadow block a device reports while its group's latest deployment runs a candidate in shadow (the
    /// inference component's merged <c>shadow.currentModelFile</c> is set), and always when <see cref="ShadowAlways"/>.
    /// Default: none.
    /// </summary>
    public Func<string, EdgeMlOps.Contracts.HealthShadow?> HeartbeatShadow { get; set; } = _ => null;

    /// <summary>The acceptance block a device's heartbeat carries (by thing name); null: none (as from a component before acceptance). Default: null.</summary>
    public Func<string, EdgeMlOps.Contracts.HealthAcceptance?> HeartbeatAcceptance { get; set; } = _ => null;

    /// <summary>Report <see cref="HeartbeatShadow"/> whatever the deployment says. Default: false.</summary>
    public bool ShadowAlways { get; set; }

    /// <summary>Every S3 CopyObject the workflow made: (copy source, destination key).</summary>
    public List<(string CopySource, string Key)> Copies { get; } = [];

    /// <summary>Every recipe the workflow registered.</summary>
    public List<JsonObject> Recipes { get; } = [];

    /// <summary>Greengrass's status of a core device. Default: HEALTHY.</summary>
    public Func<string, string> CoreDeviceStatus { get; set; } = _ => "HEALTHY";

    /// <summary>The health table the workflow queries.</summary>
    public InMemoryDynamoDbTable HealthTable { get; }

    /// <summary>The release lock.</summary>
    public InMemoryDynamoDbTable LockTable { get; }

    /// <summary>The release ledger.</summary>
    public InMemoryKeyValueTable Ledger { get; }

    /// <summary>When set, every ledger write fails with this error. Default: null, they succeed.</summary>
    public string? LedgerError { get; set; }

    /// <summary>When set, BatchGetItem of the health table (the approval evidence read) fails with this error (retries included). Default: null.</summary>
    public string? HealthBatchGetError { get; set; }

    /// <summary>Status DescribeExecution reports for an execution ARN. Default: RUNNING.</summary>
    public Func<string, string> ExecutionStatus { get; set; } = _ => "RUNNING";

    /// <summary>The approval: true approves, false rejects through the link (SendTaskFailure).</summary>
    public bool Approve { get; set; } = true;

    /// <summary>When set, every PutParameter fails with this error (e.g. an SSM outage). Default: null, it succeeds.</summary>
    public string? PutParameterError { get; set; }

    /// <summary>Every deployment the workflow created, in order (rollbacks included).</summary>
    public List<CreatedDeployment> Deployments { get; } = [];

    /// <summary>Every SNS message published, in order.</summary>
    public List<(string Subject, string Message)> Notifications { get; } = [];

    /// <summary>The values written to the deployed-release SSM parameter, in order.</summary>
    public List<string> RecordedReleases { get; } = [];

    /// <summary>
    /// An approved package of the group <c>metal-tag-detector</c> as DescribeModelPackage returns it: an ONNX artifact
    /// under the training bucket and the metadata the recipe needs (imageSize, classNames).
    /// </summary>
    public static JsonObject ApprovedPackage(int version) => new()
    {
        ["ModelPackageArn"] = string.Create(CultureInfo.InvariantCulture, $"arn:aws:sagemaker:us-east-1:111111111111:model-package/metal-tag-detector/{version}"),
        ["ModelPackageGroupName"] = "metal-tag-detector",
        ["ModelPackageVersion"] = version,
        ["ModelApprovalStatus"] = "Approved",
        ["InferenceSpecification"] = new JsonObject
        {
            ["Containers"] = new JsonArray(new JsonObject
            {
                ["Image"] = "img",
                ["ModelDataUrl"] = string.Create(CultureInfo.InvariantCulture, $"s3://edgemlops-dev-training-artifacts/runs/{version}/model.onnx"),
            }),
        },
        ["CustomerMetadataProperties"] = new JsonObject { ["imageSize"] = "640", ["classNames"] = "[\"scratch\",\"dent\"]" },
    };

    /// <summary>Approves a package while executions may be running (it becomes the newest in the registry).</summary>
    public void AddApprovedPackage(JsonObject package)
    {
        lock (_lock)
        {
            Registry.Insert(0, package);
        }
    }

    /// <summary>Sets a target's current deployment (what was there before the workflow).</summary>
    public void SeedDeployment(string targetArn, JsonObject components)
    {
        var seeded = new CreatedDeployment($"seed-{_latestByTarget.Count + 1}", targetArn, "seeded", components);
        _latestByTarget[targetArn] = Describe(seeded);
    }

    /// <summary>Registers this fake for every resource in <see cref="EdgeDeploymentTasks.All"/>.</summary>
    public Scenario Register(Scenario scenario)
    {
        foreach (var resource in All)
        {
            scenario.Handle(resource, this);
        }

        return scenario;
    }

    /// <inheritdoc />
    public ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Answer(call.Resource, call.Parameters?.AsObject() ?? []));
        }
    }

    private JsonNode? Answer(string resource, JsonObject p)
    {
        switch (resource)
        {
            case ListModelPackages:
                return new JsonObject
                {
                    ["ModelPackageSummaryList"] = new JsonArray(Registry.Take(p["MaxResults"]?.GetValue<int>() ?? 100)
                        .Select(m => (JsonNode)new JsonObject { ["ModelPackageArn"] = m["ModelPackageArn"]!.DeepClone(), ["ModelApprovalStatus"] = "Approved" }).ToArray()),
                };
            case DescribeModelPackage:
                var arn = p["ModelPackageName"]!.GetValue<string>();
                return Registry.FirstOrDefault(m => m["ModelPackageArn"]!.GetValue<string>() == arn)?.DeepClone()
                    ?? throw new TaskFailure("SageMaker.ValidationException", $"Model package {arn} does not exist");
            case CopyObject:
                Copies.Add((p["CopySource"]!.GetValue<string>(), p["Key"]!.GetValue<string>()));
                return new JsonObject { ["CopyObjectResult"] = new JsonObject { ["ETag"] = "\"0123\"" } };
            case CreateComponentVersion:
                var recipe = JsonNode.Parse(p["InlineRecipe"]!.GetValue<string>())!;
                Recipes.Add(recipe.AsObject());
                var key = $"{recipe["ComponentName"]}:{recipe["ComponentVersion"]}";
                if (!ExistingComponentVersions.Add(key))
                {
                    throw new TaskFailure("GreengrassV2.ConflictException", $"Component {key} already exists");
                }

                return new JsonObject { ["ComponentName"] = recipe["ComponentName"]!.DeepClone(), ["ComponentVersion"] = recipe["ComponentVersion"]!.DeepClone(), ["Status"] = new JsonObject { ["ComponentState"] = "REQUESTED" } };
            case DescribeComponent:
                var (componentState, componentMessage) = ComponentStatusOf?.Invoke(p["Arn"]!.GetValue<string>()) ?? ComponentStatus;
                return new JsonObject { ["Arn"] = p["Arn"]!.DeepClone(), ["Status"] = new JsonObject { ["ComponentState"] = componentState, ["Message"] = componentMessage } };
            case ListDeployments:
                var target = p["TargetArn"]!.GetValue<string>();
                return _latestByTarget.TryGetValue(target, out var latest)
                    ? new JsonObject { ["Deployments"] = new JsonArray(new JsonObject { ["DeploymentId"] = latest["DeploymentId"]!.DeepClone(), ["TargetArn"] = target, ["IsLatestForTarget"] = true }) }
                    : new JsonObject { ["Deployments"] = new JsonArray() };
            case GetDeployment:
                var id = p["DeploymentId"]!.GetValue<string>();
                return _latestByTarget.Values.FirstOrDefault(d => d["DeploymentId"]!.GetValue<string>() == id)?.DeepClone()
                    ?? throw new TaskFailure("GreengrassV2.ResourceNotFoundException", $"Deployment {id} not found");
            case CreateDeployment:
                var created = new CreatedDeployment($"deployment-{Deployments.Count + 1}", p["TargetArn"]!.GetValue<string>(), p["DeploymentName"]?.GetValue<string>() ?? "", p["Components"]!.DeepClone().AsObject());
                Deployments.Add(created);
                _latestByTarget[created.TargetArn] = Describe(created);
                _byJobId[$"job-{created.DeploymentId}"] = created;
                return new JsonObject { ["DeploymentId"] = created.DeploymentId, ["IotJobId"] = $"job-{created.DeploymentId}", ["IotJobArn"] = $"arn:aws:iot:us-east-1:111111111111:job/job-{created.DeploymentId}" };
            case ListJobExecutions:
                var listed = _byJobId[p["JobId"]!.GetValue<string>()];
                var polled = _executionPolls.GetValueOrDefault(listed.DeploymentId);
                return EdgeApiResponses.JobExecutions(p, Devices(listed.TargetArn).Select(d => (d, JobExecutionStatus(d, polled))));
            case DescribeJob:
                var described = _byJobId[p["JobId"]!.GetValue<string>()];
                var poll = _executionPolls[described.DeploymentId] = _executionPolls.GetValueOrDefault(described.DeploymentId) + 1;
                var statuses = Devices(described.TargetArn).Select(d => JobExecutionStatus(d, poll)).ToList();
                WriteHeartbeats(described, poll);
                return EdgeApiResponses.DescribeJob(p["JobId"]!.GetValue<string>(), "IN_PROGRESS", statuses);
            case ListCoreDevices:
                return EdgeApiResponses.CoreDevices(p, Devices(p["ThingGroupArn"]!.GetValue<string>()).Select(d => (d, CoreDeviceStatus(d))));
            case ListThingsInThingGroup:
                return EdgeApiResponses.ThingsInGroup(p, _groupArnByName, Devices);
            case Query:
                return HealthTable.Query(p);
            case BatchGetItem:
                return HealthBatchGetError is { } batchError ? throw new TaskFailure(batchError, "Reading the health table failed") : HealthTable.BatchGetItem(p);
            case PutItem when p["TableName"]?.GetValue<string>() == Ledger.TableName:
                return LedgerError is { } ledgerError ? throw new TaskFailure(ledgerError, "Writing the ledger failed") : Ledger.PutItem(p);
            case UpdateItem:
                return LedgerError is { } updateError ? throw new TaskFailure(updateError, "Writing the ledger failed") : Ledger.UpdateItem(p);
            case PutItem:
                return LockTable.PutItem(p);
            case GetItem:
                return LockTable.GetItem(p);
            case DeleteItem:
                return LockTable.DeleteItem(p);
            case DescribeExecution:
                var execution = p["ExecutionArn"]!.GetValue<string>();
                return new JsonObject { ["ExecutionArn"] = execution, ["Status"] = ExecutionStatus(execution) };
            case GetParameter:
                return new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = p["Name"]!.DeepClone(), ["Value"] = RecordedReleases.LastOrDefault() ?? "none" } };
            case Publish:
                Notifications.Add((p["Subject"]!.GetValue<string>(), p["Message"]!.GetValue<string>()));
                return new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() };
            case PublishAndWait:
                Notifications.Add((p["Subject"]!.GetValue<string>(), p["Message"]!.GetValue<string>()));
                return Approve
                    ? new JsonObject { ["approved"] = true }
                    : throw new TaskFailure("FleetRolloutRejected", "Rejected through the approval e-mail link");
            case PutParameter:
                if (PutParameterError is { } error)
                {
                    throw new TaskFailure(error, $"Writing {p["Name"]} failed");
                }

                RecordedReleases.Add(p["Value"]!.GetValue<string>());
                return new JsonObject { ["Version"] = RecordedReleases.Count, ["Tier"] = "Standard" };
            default:
                throw new InvalidOperationException($"The fake does not serve {resource}");
        }
    }

    /// <summary>What the devices of a job that finished their execution publish at this poll.</summary>
    private void WriteHeartbeats(CreatedDeployment deployment, int poll)
    {
        // Every device of the target runs what the target's latest deployment carries (looked up once: fleets are large).
        var running = RunningModelVersion(deployment.TargetArn);
        var shadow = ShadowAlways || RunsShadow(deployment.TargetArn);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var thing in Devices(deployment.TargetArn).Where(d => JobExecutionStatus(d, poll) == "SUCCEEDED"))
        {
            var (frames, failures) = Heartbeat(thing);
            var (state, error) = HeartbeatState(thing);
            // The shadow flag is part of what a device publishes: ending shadow (promotion) is a change it reports at once.
            var published = shadow ? running + "+shadow" : running;
            if (_lastHeartbeat.TryGetValue(thing, out var last) && last.Version == published && last.State == state && now - last.At < HeartbeatEveryMs)
            {
                continue;
            }

            _lastHeartbeat[thing] = (published, state, now);
            HealthTable.Put(HealthTableItems.Heartbeat(thing, now, state, running, frames - failures, failures, error, shadow ? HeartbeatShadow(thing) : null, HeartbeatAcceptance(thing)));
        }
    }

    /// <summary>Whether the latest deployment of a group names a current model file for shadow evaluation.</summary>
    private bool RunsShadow(string group)
    {
        if (!_latestByTarget.TryGetValue(group, out var latest))
        {
            return false;
        }

        foreach (var (_, spec) in latest["Components"]?.AsObject() ?? [])
        {
            if (spec?["ConfigurationUpdate"]?["Merge"]?.GetValue<string>() is { } merge
                && JsonNode.Parse(merge)?["shadow"]?["currentModelFile"]?.GetValue<string>() is { Length: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    private IEnumerable<string> Devices(string groupArn) => Groups.GetValueOrDefault(groupArn) ?? [];

    /// <summary>The model component version in the latest deployment of a thing group.</summary>
    private string RunningModelVersion(string group) =>
        _latestByTarget.TryGetValue(group, out var latest) && latest["Components"]?["com.edgemlops.Model"]?["ComponentVersion"] is { } version
            ? version.GetValue<string>()
            : "none";

    private static JsonObject Describe(CreatedDeployment deployment) => new()
    {
        ["DeploymentId"] = deployment.DeploymentId,
        ["TargetArn"] = deployment.TargetArn,
        ["DeploymentName"] = deployment.Name,
        ["DeploymentStatus"] = "ACTIVE",
        ["Components"] = deployment.Components.DeepClone(),
        ["IsLatestForTarget"] = true,
    };
}
