using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.LocalTwin.Device;
using EdgeMlOps.Testing.DynamoDb;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using static EdgeMlOps.Testing.Greengrass.EdgeDeploymentTasks;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>A Greengrass deployment as the control plane keeps it.</summary>
public sealed record Deployment(string DeploymentId, string JobId, string TargetArn, string Name, JsonObject Components, DateTimeOffset CreatedAt);

/// <summary>What the edge control plane needs to be built.</summary>
public sealed record EdgeControlPlaneProps
{
    /// <summary>The local S3 (the copy of the model artifact, the artifact checks of new component versions). Required.</summary>
    public required IAmazonS3 S3 { get; init; }

    /// <summary>The model registry the workflow reads. Required.</summary>
    public required ModelRegistry Registry { get; init; }

    /// <summary>Thing group ARN → its core devices. Required.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<CoreDevice>> Groups { get; init; }

    /// <summary>Thing group name → ARN (<see cref="EdgeMlOps.Testing.Greengrass.ThingGroups.ArnsByName"/>), for the IoT calls that name a group. Required.</summary>
    public required IReadOnlyDictionary<string, string> GroupArnsByName { get; init; }

    /// <summary>The health topic rule that fills the health table. Required.</summary>
    public required HealthTopicRule HealthRule { get; init; }

    /// <summary>What the devices published to IoT Core. Required.</summary>
    public required IotCoreMessages IotCore { get; init; }

    /// <summary>The health table's index the health gate queries, as the edge stack defines it. Required.</summary>
    public required DynamoDbIndex HealthIndex { get; init; }

    /// <summary>The release lock table's name. Required.</summary>
    public required string LockTableName { get; init; }

    /// <summary>The release ledger table's name. Required.</summary>
    public required string LedgerTableName { get; init; }

    /// <summary>
    /// Status DescribeExecution reports for a lock holder. Default: SUCCEEDED — the twin runs one execution at a
    /// time, so a holder other than the running execution has ended.
    /// </summary>
    public Func<string, string> ExecutionStatus { get; init; } = _ => "SUCCEEDED";

    /// <summary>Real time one health-gate poll takes (the workflow's Wait itself takes no time locally). Default: 1 s.</summary>
    public TimeSpan PollDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The error SendTaskFailure reports when the fleet rollout is rejected. Default: FleetRolloutRejected.</summary>
    public string RejectionError { get; init; } = "FleetRolloutRejected";
}

/// <summary>
/// The AWS side of the edge deployment workflow, kept in memory across calls: the SageMaker model registry, S3
/// (for real, on the local S3 server), Greengrass component versions and deployments per thing group (each
/// creating an IoT job that the group's <see cref="CoreDevice"/>s carry out), core device status, the health table
/// (the IoT rule over what devices published, queried through its index), the release lock, SNS, the approval and
/// SSM. List calls page like AWS (MaxResults capped, NextToken, status filters). Answers are shaped like Step
/// Functions SDK-integration results (PascalCase).
/// </summary>
public sealed class EdgeControlPlane : ITaskHandler, IComponentStore
{


    private readonly EdgeControlPlaneProps _props;
    private readonly object _lock = new();
    private readonly Dictionary<string, (string Recipe, string State, string Message)> _components = new(StringComparer.Ordinal);
    private readonly List<Deployment> _deployments = [];
    private readonly List<(string Subject, string Message)> _notifications = [];
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly InMemoryDynamoDbTable _releaseLock;

    public EdgeControlPlane(EdgeControlPlaneProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        _props = props;
        _releaseLock = new InMemoryDynamoDbTable(props.LockTableName, "lockId");
        Ledger = new InMemoryKeyValueTable(props.LedgerTableName, ReleaseLedgerSchema.PartitionKey, ReleaseLedgerSchema.SortKey);
    }

    /// <summary>Real time one health-gate poll takes.</summary>
    public TimeSpan PollDelay => _props.PollDelay;

    /// <summary>Whether the operator approves the fleet rollout when asked. Default: true.</summary>
    public bool ApproveFleetRollout { get; set; } = true;

    public IReadOnlyList<Deployment> Deployments
    {
        get
        {
            lock (_lock)
            {
                return [.. _deployments];
            }
        }
    }

    public IReadOnlyList<(string Subject, string Message)> Notifications
    {
        get
        {
            lock (_lock)
            {
                return [.. _notifications];
            }
        }
    }

    public IReadOnlyDictionary<string, string> Parameters
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_parameters, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Component versions by <c>name:version</c>, with their Greengrass state.</summary>
    public IReadOnlyList<string> ComponentVersions
    {
        get
        {
            lock (_lock)
            {
                return [.. _components.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registers a component version created outside the workflow (CloudFormation's inference component).</summary>
    public void RegisterComponentVersion(string recipeJson)
    {
        var recipe = ComponentRecipe.Parse(recipeJson);
        lock (_lock)
        {
            _components[$"{recipe.Name}:{recipe.Version}"] = (recipeJson, "DEPLOYABLE", "NONE");
        }
    }

    public string? Recipe(string componentName, string componentVersion)
    {
        lock (_lock)
        {
            return _components.TryGetValue($"{componentName}:{componentVersion}", out var component) && component.State == "DEPLOYABLE" ? component.Recipe : null;
        }
    }

    /// <summary>The release ledger the workflow writes.</summary>
    public InMemoryKeyValueTable Ledger { get; }

    /// <summary>The health table as the health rule keeps it now: each device's latest heartbeat item.</summary>
    public IReadOnlyList<JsonObject> HeartbeatItems() => _props.HealthRule.Items(_props.IotCore.All());

    public Scenario Register(Scenario scenario)
    {
        foreach (var resource in All)
        {
            scenario.Handle(resource, this);
        }

        return scenario;
    }

    public async ValueTask<JsonNode?> HandleAsync(TaskCall call, CancellationToken cancellationToken)
    {
        var p = call.Parameters?.AsObject() ?? [];
        switch (call.Resource)
        {
            case CopyObject:
                return await CopyAsync(p, cancellationToken).ConfigureAwait(false);
            case CreateComponentVersion:
                return await CreateComponentAsync(p, cancellationToken).ConfigureAwait(false);
            case DescribeJob:
                // One health-gate poll starts here: the workflow's Wait is instant locally, the devices run in real time.
                await Task.Delay(_props.PollDelay, cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    return Answer(call.Resource, p);
                }

            case ListJobExecutions:
                return JobExecutions(p);
            case CreateDeployment:
                return Deploy(p, cancellationToken);
            default:
                lock (_lock)
                {
                    return Answer(call.Resource, p);
                }
        }
    }

    private JsonNode? Answer(string resource, JsonObject p)
    {
        switch (resource)
        {
            case ListModelPackages:
                return new JsonObject
                {
                    ["ModelPackageSummaryList"] = new JsonArray([.. _props.Registry.Approved(Text(p, "ModelPackageGroupName"))
                        .Take(p["MaxResults"]?.GetValue<int>() ?? 100)
                        .Select(m => (JsonNode)new JsonObject
                        {
                            ["ModelPackageArn"] = m["ModelPackageArn"]!.DeepClone(),
                            ["ModelPackageGroupName"] = m["ModelPackageGroupName"]!.DeepClone(),
                            ["ModelPackageVersion"] = m["ModelPackageVersion"]!.DeepClone(),
                            ["ModelApprovalStatus"] = "Approved",
                            ["CreationTime"] = m["CreationTime"]!.DeepClone(),
                        })]),
                };
            case DescribeModelPackage:
                var arn = Text(p, "ModelPackageName");
                return _props.Registry.Describe(arn) ?? throw new TaskFailure("SageMaker.ValidationException", $"Model package {arn} does not exist.");
            case DescribeComponent:
                var componentArn = Text(p, "Arn");
                var key = ComponentKey(componentArn);
                return _components.TryGetValue(key, out var component)
                    ? new JsonObject { ["Arn"] = componentArn, ["Status"] = new JsonObject { ["ComponentState"] = component.State, ["Message"] = component.Message } }
                    : throw new TaskFailure("GreengrassV2.ResourceNotFoundException", $"Component version {componentArn} not found.");
            case ListDeployments:
                var target = Text(p, "TargetArn");
                return new JsonObject
                {
                    ["Deployments"] = new JsonArray([.. _deployments.Where(d => d.TargetArn == target).TakeLast(1)
                        .Select(d => (JsonNode)new JsonObject { ["DeploymentId"] = d.DeploymentId, ["TargetArn"] = d.TargetArn, ["IsLatestForTarget"] = true, ["DeploymentStatus"] = "ACTIVE" })]),
                };
            case GetDeployment:
                var id = Text(p, "DeploymentId");
                var deployment = _deployments.FirstOrDefault(d => d.DeploymentId == id) ?? throw new TaskFailure("GreengrassV2.ResourceNotFoundException", $"Deployment {id} not found.");
                return new JsonObject
                {
                    ["DeploymentId"] = deployment.DeploymentId,
                    ["TargetArn"] = deployment.TargetArn,
                    ["DeploymentName"] = deployment.Name,
                    ["Components"] = deployment.Components.DeepClone(),
                    ["IotJobId"] = deployment.JobId,
                    ["IsLatestForTarget"] = true,
                };
            case DescribeJob:
                var job = Job(Text(p, "JobId"));
                var statuses = Devices(job.TargetArn).Select(d => d.Job(job.JobId).Status).ToList();
                return EdgeApiResponses.DescribeJob(job.JobId, statuses.All(s => s is "SUCCEEDED" or "FAILED") ? "COMPLETED" : "IN_PROGRESS", statuses);
            case ListThingsInThingGroup:
                return EdgeApiResponses.ThingsInGroup(p, _props.GroupArnsByName, arn => Devices(arn).Select(d => d.ThingName));
            case ListCoreDevices:
                return EdgeApiResponses.CoreDevices(p, Devices(Text(p, "ThingGroupArn")).Select(d => (d.ThingName, d.Status)));
            case Query:
                return HealthTable().Query(p);
            case BatchGetItem:
                return HealthTable().BatchGetItem(p);
            case PutItem when Text(p, "TableName") == Ledger.TableName:
                return Ledger.PutItem(p);
            case UpdateItem:
                return Ledger.UpdateItem(p);
            case PutItem:
                return _releaseLock.PutItem(p);
            case GetItem:
                return _releaseLock.GetItem(p);
            case DeleteItem:
                return _releaseLock.DeleteItem(p);
            case DescribeExecution:
                var execution = Text(p, "ExecutionArn");
                return new JsonObject { ["ExecutionArn"] = execution, ["Status"] = _props.ExecutionStatus(execution) };
            case GetParameter:
                // Before the first release the parameter holds the value the stack created it with.
                return new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = Text(p, "Name"), ["Value"] = _parameters.GetValueOrDefault(Text(p, "Name"), "none") } };
            case PutParameter:
                _parameters[Text(p, "Name")] = Text(p, "Value");
                return new JsonObject { ["Version"] = 1, ["Tier"] = "Standard" };
            case Publish:
                _notifications.Add((p["Subject"]?.GetValue<string>() ?? string.Empty, Text(p, "Message")));
                return new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() };
            case PublishAndWait:
                _notifications.Add((p["Subject"]?.GetValue<string>() ?? string.Empty, Text(p, "Message")));
                // The operator reads the e-mail and opens the approve (SendTaskSuccess) or reject (SendTaskFailure) link.
                return ApproveFleetRollout ? new JsonObject { ["decision"] = "approved" } : throw new TaskFailure(_props.RejectionError, "Rejected by the operator through the approval link");
            default:
                throw new InvalidOperationException($"The local edge control plane does not serve {resource}.");
        }
    }

    /// <summary>The health table as the edge stack's rule would have written it from everything the devices published.</summary>
    private InMemoryDynamoDbTable HealthTable()
    {
        var table = new InMemoryDynamoDbTable(_props.HealthRule.TableName, _props.HealthRule.PartitionKey, _props.HealthIndex);
        foreach (var item in _props.HealthRule.Items(_props.IotCore.All()))
        {
            table.Put(item);
        }

        return table;
    }

    private async Task<JsonNode> CopyAsync(JsonObject p, CancellationToken cancellationToken)
    {
        var source = Uri.UnescapeDataString(Text(p, "CopySource")).TrimStart('/');
        var slash = source.IndexOf('/', StringComparison.Ordinal);
        try
        {
            // Read and write rather than a server-side copy: the local S3 server's copy does not accept every SDK form.
            using var original = await _props.S3.GetObjectAsync(source[..slash], source[(slash + 1)..], cancellationToken).ConfigureAwait(false);
            using var body = new MemoryStream();
            await original.ResponseStream.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            body.Position = 0;
            var written = await _props.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = Text(p, "Bucket"), Key = Text(p, "Key"), InputStream = body, AutoCloseStream = false }, cancellationToken).ConfigureAwait(false);
            return new JsonObject { ["CopyObjectResult"] = new JsonObject { ["ETag"] = written.ETag } };
        }
        catch (AmazonS3Exception e)
        {
            throw new TaskFailure($"S3.{e.ErrorCode}", e.Message);
        }
    }

    private async Task<JsonNode> CreateComponentAsync(JsonObject p, CancellationToken cancellationToken)
    {
        var recipeJson = Text(p, "InlineRecipe");
        var recipe = ComponentRecipe.Parse(recipeJson);
        var key = $"{recipe.Name}:{recipe.Version}";
        lock (_lock)
        {
            if (_components.ContainsKey(key))
            {
                throw new TaskFailure("GreengrassV2.ConflictException", $"Component {recipe.Name} version {recipe.Version} already exists.");
            }
        }

        // Greengrass checks that every artifact can be read before the version becomes DEPLOYABLE.
        var (state, message) = ("DEPLOYABLE", "NONE");
        foreach (var artifact in recipe.Artifacts)
        {
            var (bucket, objectKey) = S3Uri.Parse(artifact.Uri);
            try
            {
                await _props.S3.GetObjectMetadataAsync(bucket, objectKey, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
                (state, message) = ("FAILED", $"Artifact {artifact.Uri} cannot be accessed.");
            }
        }

        lock (_lock)
        {
            _components[key] = (recipeJson, state, message);
        }

        return new JsonObject
        {
            ["Arn"] = $"arn:aws:greengrass:{Testing.CloudFormation.FakeAws.Region}:{Testing.CloudFormation.FakeAws.AccountId}:components:{recipe.Name}:versions:{recipe.Version}",
            ["ComponentName"] = recipe.Name,
            ["ComponentVersion"] = recipe.Version,
            ["CreationTimestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["Status"] = new JsonObject { ["ComponentState"] = "REQUESTED", ["Message"] = "NONE" },
        };
    }

    private JsonNode Deploy(JsonObject p, CancellationToken cancellationToken)
    {
        Deployment deployment;
        lock (_lock)
        {
            var number = _deployments.Count + 1;
            deployment = new Deployment($"deployment-{number:D3}", $"job-{number:D3}", Text(p, "TargetArn"), p["DeploymentName"]?.GetValue<string>() ?? string.Empty,
                p["Components"]?.DeepClone() as JsonObject ?? [], DateTimeOffset.UtcNow);
            _deployments.Add(deployment);
        }

        var rollback = p["DeploymentPolicies"]?["FailureHandlingPolicy"]?.GetValue<string>() != "DO_NOTHING";
        foreach (var device in Devices(deployment.TargetArn))
        {
            _ = device.DeployAsync(new DeploymentDocument(deployment.DeploymentId, deployment.JobId, deployment.Components, rollback), cancellationToken);
        }

        return new JsonObject
        {
            ["DeploymentId"] = deployment.DeploymentId,
            ["IotJobId"] = deployment.JobId,
            ["IotJobArn"] = $"arn:aws:iot:{Testing.CloudFormation.FakeAws.Region}:{Testing.CloudFormation.FakeAws.AccountId}:job/{deployment.JobId}",
        };
    }

    private JsonNode JobExecutions(JsonObject p)
    {
        var job = Job(Text(p, "JobId"));
        return EdgeApiResponses.JobExecutions(p, Devices(job.TargetArn).Select(d => (d.ThingName, d.Job(job.JobId).Status)));
    }

    private Deployment Job(string jobId)
    {
        lock (_lock)
        {
            return _deployments.FirstOrDefault(d => d.JobId == jobId) ?? throw new TaskFailure("Iot.ResourceNotFoundException", $"Job {jobId} not found.");
        }
    }

    private IReadOnlyList<CoreDevice> Devices(string groupArn) => _props.Groups.TryGetValue(groupArn, out var devices) ? devices : [];

    // arn:aws:greengrass:<region>:<account>:components:<name>:versions:<version>
    private static string ComponentKey(string arn)
    {
        var marker = arn.IndexOf(":components:", StringComparison.Ordinal);
        var versions = arn.LastIndexOf(":versions:", StringComparison.Ordinal);
        return marker < 0 || versions < marker
            ? throw new TaskFailure("GreengrassV2.ValidationException", $"Not a component version ARN: {arn}")
            : $"{arn[(marker + ":components:".Length)..versions]}:{arn[(versions + ":versions:".Length)..]}";
    }

    private static string Text(JsonObject p, string name) =>
        p[name]?.GetValue<string>() ?? throw new TaskFailure("States.Runtime", $"Parameter {name} is missing.");
}
