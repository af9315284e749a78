using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// Executions of the whole deployment job by status (DescribeJob's <c>JobProcessDetails</c>) and the job's own
/// status: counts over every device of the target, however many there are.
/// </summary>
public sealed record JobCounts(int Succeeded, int Failed, int TimedOut, int Rejected, int Canceled, int Removed, int InProgress, int Queued, string? Status = null)
{
    public int EndedBadly => Failed + TimedOut + Rejected + Canceled + Removed;

    public int Pending => InProgress + Queued;

    public int Total => Succeeded + EndedBadly + Pending;

    public static JobCounts FromJson(JsonObject? job)
    {
        var details = job?["JobProcessDetails"] as JsonObject;
        int Count(string name) => details?[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        return new JobCounts(Count("NumberOfSucceededThings"), Count("NumberOfFailedThings"), Count("NumberOfTimedOutThings"), Count("NumberOfRejectedThings"),
            Count("NumberOfCanceledThings"), Count("NumberOfRemovedThings"), Count("NumberOfInProgressThings"), Count("NumberOfQueuedThings"),
            job?["Status"] is JsonValue s && s.TryGetValue<string>(out var status) ? status : null);
    }
}

/// <summary>
/// What the health table holds about the expected model version since the freshness bound: counts of healthy
/// and failing heartbeats (DynamoDB Query COUNTs over every device) and a bounded page of failing items.
/// </summary>
public sealed record HeartbeatCounts(int Healthy, int Failing, IReadOnlyList<FailingHeartbeat> FailingExamples)
{
    public static HeartbeatCounts FromJson(JsonObject? json) => new(
        Int(json?["healthy"]),
        Int(json?["failing"]),
        [.. (json?["failingExamples"] as JsonArray ?? []).OfType<JsonObject>().Select(FailingHeartbeat.FromItem).OfType<FailingHeartbeat>()]);

    private static int Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
}

/// <summary>
/// One failing heartbeat item of the health table (attribute-value form, the fields the health rule names; see
/// <c>cdk/EdgeDeployment/Fleet/DeviceHealthStore.cs</c>).
/// </summary>
public sealed record FailingHeartbeat(string ThingName, string? State, string? LastError, long FramesSeen, long FramesFailed)
{
    public double ErrorRate => FramesSeen == 0 ? 0 : (double)FramesFailed / FramesSeen;

    /// <summary>The device's shadow evaluation (the rule's <c>shadow*</c> attributes); null when it runs none.</summary>
    public HealthShadow? Shadow { get; init; }

    public static FailingHeartbeat? FromItem(JsonObject item)
    {
        if (AttributeValues.ToPlain(item) is not JsonObject plain || Text(plain["thingName"]) is not { } thing)
        {
            return null;
        }

        return new FailingHeartbeat(thing, Text(plain["state"]), Text(plain["lastError"]), (long)(Number(plain["framesSeen"]) ?? 0), (long)(Number(plain["framesFailed"]) ?? 0))
        {
            Shadow = Number(plain["shadowFramesCompared"]) is { } compared
                ? new HealthShadow
                {
                    FramesCompared = (long)compared,
                    CurrentDefectFrames = (long)(Number(plain["shadowCurrentDefectFrames"]) ?? 0),
                    MissedDefectFrames = (long)(Number(plain["shadowMissedDefectFrames"]) ?? 0),
                    DefectRateDifference = Number(plain["shadowDefectRateDifference"]) ?? 0,
                    BoxF1 = Number(plain["shadowBoxF1"]) ?? 1,
                    LatencyP95Ratio = Number(plain["shadowLatencyRatio"]) ?? 0,
                    LastError = Text(plain["shadowLastError"]),
                }
                : null,
        };
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}

/// <summary>Poll counters carried between polls by the workflow, and the freshness bound of the next poll's heartbeat queries.</summary>
/// <param name="HeartbeatsSinceMs">Epoch milliseconds (as text, the form a DynamoDB number takes in a query): heartbeats received before it are stale.</param>
public readonly record struct WatchState(int Polls, int HealthyPolls, string HeartbeatsSinceMs = "0");

/// <summary>
/// Input of the health gate, built by the workflow from Step Functions results; every member is a count or a
/// bounded list, never a list of every device: <c>job</c> (DescribeJob's Job), <c>failedExecutions</c> (one
/// page of ListJobExecutionsForJob with status FAILED), <c>unhealthyCoreDevices</c> (one page of ListCoreDevices
/// with status UNHEALTHY), <c>heartbeats</c> (<see cref="HeartbeatCounts"/>), <c>watch</c>, <c>healthGate</c>,
/// <c>rolloutMaximumPerMinute</c>, <c>expectedModelComponentVersion</c> and <c>phase</c>; optionally <c>now</c>
/// (ISO-8601), else the Lambda's clock.
/// </summary>
public sealed record HealthGateInput(
    string Phase,
    DateTimeOffset Now,
    string ExpectedModelComponentVersion,
    JobCounts Job,
    IReadOnlyList<string> FailedExecutionThings,
    IReadOnlyList<string> UnhealthyCoreDevices,
    bool MoreUnhealthyCoreDevices,
    HeartbeatCounts Heartbeats,
    WatchState Watch,
    HealthGateSettings Settings,
    int RolloutMaximumPerMinute)
{
    public static HealthGateInput FromJson(JsonObject json) => FromJson(json, DateTimeOffset.UtcNow);

    public static HealthGateInput FromJson(JsonObject json, DateTimeOffset clock)
    {
        var failedExecutions = (json["failedExecutions"]?["ExecutionSummaries"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(e => ThingNameFromArn(e["ThingArn"]?.GetValue<string>()))
            .OfType<string>()
            .ToList();
        var unhealthy = json["unhealthyCoreDevices"] as JsonObject;
        var unhealthyThings = (unhealthy?["CoreDevices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => d["CoreDeviceThingName"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        var watch = json["watch"] as JsonObject;
        return new HealthGateInput(
            json["phase"]?.GetValue<string>() ?? "unknown",
            json["now"]?.GetValue<string>() is { } now ? DateTimeOffset.Parse(now, CultureInfo.InvariantCulture) : clock,
            json["expectedModelComponentVersion"]?.GetValue<string>() ?? throw new ArgumentException("expectedModelComponentVersion is required"),
            JobCounts.FromJson(json["job"] as JsonObject),
            failedExecutions,
            unhealthyThings,
            unhealthy?["NextToken"] is JsonValue,
            HeartbeatCounts.FromJson(json["heartbeats"] as JsonObject),
            new WatchState(watch?["polls"]?.GetValue<int>() ?? 0, watch?["healthyPolls"]?.GetValue<int>() ?? 0, watch?["heartbeatsSinceMs"]?.GetValue<string>() ?? "0"),
            HealthGateSettings.FromJson(json["healthGate"] as JsonObject ?? throw new ArgumentException("healthGate is required")),
            json["rolloutMaximumPerMinute"] is JsonValue rate && rate.TryGetValue<int>(out var perMinute) && perMinute > 0
                ? perMinute
                : throw new ArgumentException("rolloutMaximumPerMinute is required (a positive number)"));
    }

    /// <summary><c>arn:aws:iot:region:account:thing/NAME</c> → NAME.</summary>
    public static string? ThingNameFromArn(string? arn)
    {
        var marker = arn?.LastIndexOf(":thing/", StringComparison.Ordinal) ?? -1;
        return marker < 0 ? null : arn![(marker + ":thing/".Length)..];
    }
}
