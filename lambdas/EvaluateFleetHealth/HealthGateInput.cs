using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>What one device looks like at one poll.</summary>
/// <param name="JobExecutionStatus">IoT job execution status (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED), null when the device has no execution yet.</param>
/// <param name="CoreDeviceStatus">Greengrass core device status (HEALTHY, UNHEALTHY), null when unknown.</param>
public sealed record DeviceObservation(string ThingName, string? JobExecutionStatus, string? CoreDeviceStatus, DeviceHeartbeat? Heartbeat);

/// <summary>
/// Executions of the whole deployment job by status (DescribeJob's JobProcessDetails): the per-device list is one
/// page, these counts cover every device.
/// </summary>
public sealed record JobCounts(int Succeeded, int Failed, int TimedOut, int Rejected, int Canceled, int Removed, int InProgress, int Queued)
{
    public int EndedBadly => Failed + TimedOut + Rejected + Canceled + Removed;

    public int Pending => InProgress + Queued;

    public int Total => Succeeded + EndedBadly + Pending;

    public static JobCounts? FromJson(JsonObject? job)
    {
        if (job?["JobProcessDetails"] is not JsonObject details)
        {
            return null;
        }

        int Count(string name) => details[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        return new JobCounts(Count("NumberOfSucceededThings"), Count("NumberOfFailedThings"), Count("NumberOfTimedOutThings"), Count("NumberOfRejectedThings"),
            Count("NumberOfCanceledThings"), Count("NumberOfRemovedThings"), Count("NumberOfInProgressThings"), Count("NumberOfQueuedThings"));
    }
}

/// <summary>Poll counters carried between polls by the workflow.</summary>
public readonly record struct WatchState(int Polls, int HealthyPolls);

/// <summary>
/// Input of the health gate, built by the workflow from raw Step Functions results:
/// <c>executions</c> (ListJobExecutionsForJob), <c>coreDevices</c> (ListCoreDevices), <c>heartbeats</c>
/// (the Map of GetItem results: <c>[{"thingName", "heartbeat": {"Item"?}}]</c>), <c>job</c> (DescribeJob's Job,
/// optional), <c>watch</c>, <c>healthGate</c>,
/// <c>expectedModelComponentVersion</c> and <c>phase</c>; optionally <c>now</c> (ISO-8601), else the Lambda's clock
/// (the workflow leaves it out: heartbeat ages are measured against the same cloud clock IoT Core stamped them with).
/// </summary>
public sealed record HealthGateInput(string Phase, DateTimeOffset Now, string ExpectedModelComponentVersion, IReadOnlyList<DeviceObservation> Devices, WatchState Watch, HealthGateSettings Settings, JobCounts? Job = null)
{
    public static HealthGateInput FromJson(JsonObject json) => FromJson(json, DateTimeOffset.UtcNow);

    public static HealthGateInput FromJson(JsonObject json, DateTimeOffset clock)
    {
        var executions = (json["executions"]?["ExecutionSummaries"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(e => (Thing: ThingNameFromArn(e["ThingArn"]?.GetValue<string>()), Status: e["JobExecutionSummary"]?["Status"]?.GetValue<string>()))
            .Where(e => e.Thing is not null)
            .ToDictionary(e => e.Thing!, e => e.Status, StringComparer.Ordinal);
        var coreDevices = (json["coreDevices"]?["CoreDevices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => (Thing: d["CoreDeviceThingName"]?.GetValue<string>(), Status: d["Status"]?.GetValue<string>()))
            .Where(d => d.Thing is not null)
            .ToDictionary(d => d.Thing!, d => d.Status, StringComparer.Ordinal);
        var heartbeats = (json["heartbeats"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(h => h["thingName"]?.GetValue<string>() is { } thing ? DeviceHeartbeat.FromItem(thing, h["heartbeat"]?["Item"] as JsonObject) : null)
            .OfType<DeviceHeartbeat>()
            .ToDictionary(h => h.ThingName, StringComparer.Ordinal);

        var devices = executions.Keys.Union(coreDevices.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(thing => new DeviceObservation(thing, executions.GetValueOrDefault(thing), coreDevices.GetValueOrDefault(thing), heartbeats.GetValueOrDefault(thing)))
            .ToList();
        var watch = json["watch"] as JsonObject;
        return new HealthGateInput(
            json["phase"]?.GetValue<string>() ?? "unknown",
            json["now"]?.GetValue<string>() is { } now ? DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture) : clock,
            json["expectedModelComponentVersion"]?.GetValue<string>() ?? throw new ArgumentException("expectedModelComponentVersion is required"),
            devices,
            new WatchState(watch?["polls"]?.GetValue<int>() ?? 0, watch?["healthyPolls"]?.GetValue<int>() ?? 0),
            HealthGateSettings.FromJson(json["healthGate"] as JsonObject ?? throw new ArgumentException("healthGate is required")),
            JobCounts.FromJson(json["job"] as JsonObject));
    }

    /// <summary><c>arn:aws:iot:region:account:thing/NAME</c> → NAME.</summary>
    public static string? ThingNameFromArn(string? arn)
    {
        var marker = arn?.LastIndexOf(":thing/", StringComparison.Ordinal) ?? -1;
        return marker < 0 ? null : arn![(marker + ":thing/".Length)..];
    }
}
