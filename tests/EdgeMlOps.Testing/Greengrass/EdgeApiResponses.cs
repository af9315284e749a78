using System.Globalization;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.CloudFormation;

namespace EdgeMlOps.Testing.Greengrass;

/// <summary>
/// The response shapes of the IoT and Greengrass calls the edge workflow makes, written once for every fake that
/// answers them (the scripted <see cref="FakeEdgeControlPlane"/> and the twin's stateful control plane): what each
/// fake decides is the device states, how AWS shapes and pages the answer is here.
/// </summary>
public static class EdgeApiResponses
{
    /// <summary>One page of a list call as AWS gives it: at most MaxResults (capped at <paramref name="maxCap"/>) after NextToken, and the next token while more remain.</summary>
    public static JsonObject Page(JsonObject parameters, string member, IEnumerable<JsonNode> all, int maxCap)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var size = Math.Min(parameters["MaxResults"]?.GetValue<int>() ?? maxCap, maxCap);
        var start = parameters["NextToken"]?.GetValue<string>() is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var items = all.ToList();
        var page = new JsonObject { [member] = new JsonArray([.. items.Skip(start).Take(size).Select(i => i.DeepClone())]) };
        if (start + size < items.Count)
        {
            page["NextToken"] = (start + size).ToString(CultureInfo.InvariantCulture);
        }

        return page;
    }

    /// <summary>iot:describeJob: the job's status and its per-status thing counts (JobProcessDetails).</summary>
    public static JsonObject DescribeJob(string jobId, string status, IReadOnlyCollection<string> executionStatuses)
    {
        int Count(string s) => executionStatuses.Count(e => e == s);
        return new JsonObject
        {
            ["Job"] = new JsonObject
            {
                ["JobId"] = jobId,
                ["Status"] = status,
                ["JobProcessDetails"] = new JsonObject
                {
                    ["NumberOfSucceededThings"] = Count("SUCCEEDED"),
                    ["NumberOfFailedThings"] = Count("FAILED"),
                    ["NumberOfInProgressThings"] = Count("IN_PROGRESS"),
                    ["NumberOfQueuedThings"] = Count("QUEUED"),
                    ["NumberOfTimedOutThings"] = Count("TIMED_OUT"),
                    ["NumberOfRejectedThings"] = Count("REJECTED"),
                    ["NumberOfCanceledThings"] = Count("CANCELED"),
                    ["NumberOfRemovedThings"] = Count("REMOVED"),
                },
            },
        };
    }

    /// <summary>iot:listJobExecutionsForJob: the things' execution summaries, filtered by the call's Status, one page.</summary>
    public static JsonObject JobExecutions(JsonObject parameters, IEnumerable<(string ThingName, string Status)> executions)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Page(parameters, "ExecutionSummaries", executions
            .Where(e => parameters["Status"]?.GetValue<string>() is not { } wanted || e.Status == wanted)
            .Select(e => (JsonNode)new JsonObject
            {
                ["ThingArn"] = $"arn:aws:iot:{FakeAws.Region}:{FakeAws.AccountId}:thing/{e.ThingName}",
                ["JobExecutionSummary"] = new JsonObject { ["Status"] = e.Status, ["ExecutionNumber"] = 1 },
            }), 250);
    }

    /// <summary>greengrass:listCoreDevices of a thing group, filtered by the call's Status, one page.</summary>
    public static JsonObject CoreDevices(JsonObject parameters, IEnumerable<(string ThingName, string Status)> devices)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Page(parameters, "CoreDevices", devices
            .Where(d => parameters["Status"]?.GetValue<string>() is not { } wanted || d.Status == wanted)
            .Select(d => (JsonNode)new JsonObject { ["CoreDeviceThingName"] = d.ThingName, ["Status"] = d.Status }), 100);
    }

    /// <summary>
    /// iot:listThingsInThingGroup: the real API names the group (not its ARN) and lists thing names; every device of
    /// a group is a thing of it. <paramref name="thingsOfGroup"/> maps the group's ARN to its things.
    /// </summary>
    public static JsonObject ThingsInGroup(JsonObject parameters, IReadOnlyDictionary<string, string> groupArnsByName, Func<string, IEnumerable<string>> thingsOfGroup)
    {
        ArgumentNullException.ThrowIfNull(thingsOfGroup);
        return Page(parameters, "Things", thingsOfGroup(ThingGroups.Arn(groupArnsByName, parameters)).Select(t => (JsonNode)t), 250);
    }
}
