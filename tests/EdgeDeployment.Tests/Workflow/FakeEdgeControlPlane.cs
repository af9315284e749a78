using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;
using static EdgeMlOps.Testing.Greengrass.EdgeDeploymentTasks;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>A Greengrass deployment the workflow created.</summary>
public sealed record CreatedDeployment(string DeploymentId, string TargetArn, string Name, JsonObject Components);

/// <summary>
/// A stateful fake of the AWS calls the edge deployment workflow makes: the model registry, S3 copy, Greengrass
/// component versions, deployments per thing group (each creates an IoT job whose executions report what the
/// scenario decides), core devices and their heartbeats, notifications, the approval and the SSM record.
/// Answers are shaped like Step Functions SDK-integration results (PascalCase). Every resource it serves is in
/// <see cref="EdgeMlOps.Testing.Greengrass.EdgeDeploymentTasks.All"/>; register it for all of them with <see cref="Register"/>.
/// </summary>
public sealed class FakeEdgeControlPlane : ITaskHandler
{


    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _latestByTarget = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CreatedDeployment> _byJobId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _executionPolls = new(StringComparer.Ordinal);

    /// <summary>Approved packages, newest first, as DescribeModelPackage returns them.</summary>
    public List<JsonObject> Registry { get; } = [];

    /// <summary>Component versions that exist already (<c>name:version</c>).</summary>
    public HashSet<string> ExistingComponentVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>What DescribeComponent reports for a created version. Default: DEPLOYABLE.</summary>
    public (string State, string Message) ComponentStatus { get; set; } = ("DEPLOYABLE", "NONE");

    /// <summary>Devices of each thing group by group ARN.</summary>
    public Dictionary<string, List<string>> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>The job execution status of a device at the n-th poll (1-based). Default: IN_PROGRESS once, then SUCCEEDED.</summary>
    public Func<string, int, string> JobExecutionStatus { get; set; } = (_, poll) => poll == 1 ? "IN_PROGRESS" : "SUCCEEDED";

    /// <summary>(frames seen, failed frames) a device reports. Default: 120 frames, 1 failed.</summary>
    public Func<string, (long Frames, long Failures)> Heartbeat { get; set; } = _ => (120, 1);

    /// <summary>The approval: true approves, false rejects through the link (SendTaskFailure).</summary>
    public bool Approve { get; set; } = true;

    /// <summary>When set, every PutParameter fails with this error (e.g. an SSM outage). Default: null, it succeeds.</summary>
    public string? PutParameterError { get; set; }

    public List<CreatedDeployment> Deployments { get; } = [];

    public List<(string Subject, string Message)> Notifications { get; } = [];

    public List<string> RecordedReleases { get; } = [];

    /// <summary>Sets a target's current deployment (what was there before the workflow).</summary>
    public void SeedDeployment(string targetArn, JsonObject components)
    {
        var seeded = new CreatedDeployment($"seed-{_latestByTarget.Count + 1}", targetArn, "seeded", components);
        _latestByTarget[targetArn] = Describe(seeded);
    }

    public Scenario Register(Scenario scenario)
    {
        foreach (var resource in All)
        {
            scenario.Handle(resource, this);
        }

        return scenario;
    }

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
                return new JsonObject { ["CopyObjectResult"] = new JsonObject { ["ETag"] = "\"0123\"" } };
            case CreateComponentVersion:
                var recipe = JsonNode.Parse(p["InlineRecipe"]!.GetValue<string>())!;
                var key = $"{recipe["ComponentName"]}:{recipe["ComponentVersion"]}";
                if (!ExistingComponentVersions.Add(key))
                {
                    throw new TaskFailure("GreengrassV2.ConflictException", $"Component {key} already exists");
                }

                return new JsonObject { ["ComponentName"] = recipe["ComponentName"]!.DeepClone(), ["ComponentVersion"] = recipe["ComponentVersion"]!.DeepClone(), ["Status"] = new JsonObject { ["ComponentState"] = "REQUESTED" } };
            case DescribeComponent:
                return new JsonObject { ["Arn"] = p["Arn"]!.DeepClone(), ["Status"] = new JsonObject { ["ComponentState"] = ComponentStatus.State, ["Message"] = ComponentStatus.Message } };
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
                var job = _byJobId[p["JobId"]!.GetValue<string>()];
                var poll = _executionPolls[job.DeploymentId] = _executionPolls.GetValueOrDefault(job.DeploymentId) + 1;
                return new JsonObject
                {
                    ["ExecutionSummaries"] = new JsonArray(Devices(job.TargetArn)
                        .Select(d => (JsonNode)new JsonObject
                        {
                            ["ThingArn"] = $"arn:aws:iot:us-east-1:111111111111:thing/{d}",
                            ["JobExecutionSummary"] = new JsonObject { ["Status"] = JobExecutionStatus(d, poll), ["ExecutionNumber"] = 1 },
                        }).ToArray()),
                };
            case DescribeJob:
                var described = _byJobId[p["JobId"]!.GetValue<string>()];
                var statuses = Devices(described.TargetArn).Select(d => JobExecutionStatus(d, _executionPolls.GetValueOrDefault(described.DeploymentId))).ToList();
                int Count(string status) => statuses.Count(s => s == status);
                return new JsonObject
                {
                    ["Job"] = new JsonObject
                    {
                        ["JobId"] = p["JobId"]!.DeepClone(),
                        ["Status"] = "IN_PROGRESS",
                        ["JobProcessDetails"] = new JsonObject
                        {
                            ["NumberOfSucceededThings"] = Count("SUCCEEDED"),
                            ["NumberOfFailedThings"] = Count("FAILED"),
                            ["NumberOfInProgressThings"] = Count("IN_PROGRESS"),
                            ["NumberOfQueuedThings"] = Count("QUEUED"),
                            ["NumberOfTimedOutThings"] = Count("TIMED_OUT"),
                        },
                    },
                };
            case ListCoreDevices:
                return new JsonObject
                {
                    ["CoreDevices"] = new JsonArray(Devices(p["ThingGroupArn"]!.GetValue<string>())
                        .Select(d => (JsonNode)new JsonObject { ["CoreDeviceThingName"] = d, ["Status"] = "HEALTHY" }).ToArray()),
                };
            case GetItem:
                var thing = p["Key"]!["thingName"]!["S"]!.GetValue<string>();
                var (frames, failures) = Heartbeat(thing);
                var running = RunningModelVersion(thing);
                return new JsonObject
                {
                    ["Item"] = new JsonObject
                    {
                        ["thingName"] = new JsonObject { ["S"] = thing },
                        ["receivedAt"] = new JsonObject { ["N"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["schemaVersion"] = new JsonObject { ["N"] = "1" },
                        ["state"] = new JsonObject { ["S"] = "RUNNING" },
                        ["frames"] = new JsonObject { ["M"] = new JsonObject { ["processed"] = Number(frames - failures), ["failed"] = Number(failures) } },
                        ["failures"] = new JsonObject { ["M"] = new JsonObject { ["corruptImage"] = Number(failures) } },
                        ["model"] = new JsonObject { ["M"] = new JsonObject { ["componentVersion"] = new JsonObject { ["S"] = running } } },
                    },
                };
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

    private static JsonObject Number(long value) => new() { ["N"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private IEnumerable<string> Devices(string groupArn) => Groups.GetValueOrDefault(groupArn) ?? [];

    /// <summary>The model component version in the latest deployment of the device's group.</summary>
    private string RunningModelVersion(string thing)
    {
        var group = Groups.First(g => g.Value.Contains(thing)).Key;
        return _latestByTarget.TryGetValue(group, out var latest) && latest["Components"]?["com.edgemlops.Model"]?["ComponentVersion"] is { } version
            ? version.GetValue<string>()
            : "none";
    }

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
