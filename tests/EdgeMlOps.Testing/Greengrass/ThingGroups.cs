using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.Testing.Greengrass;

/// <summary>
/// The edge workflow's two thing groups as its definition names them, for fakes answering IoT calls that take a
/// group's name where the Greengrass calls take its ARN.
/// </summary>
public static class ThingGroups
{
    /// <summary>Group name → ARN, read from the definition's <c>TargetTheCanaryGroup</c> and <c>TargetTheFleetGroup</c>.</summary>
    public static IReadOnlyDictionary<string, string> ArnsByName(JsonObject definition)
    {
        var states = definition["States"]!.AsObject();
        return new[] { "TargetTheCanaryGroup", "TargetTheFleetGroup" }
            .Select(state => states[state]?["Result"])
            .OfType<JsonObject>()
            .ToDictionary(r => r["thingGroupName"]!.GetValue<string>(), r => r["thingGroupArn"]!.GetValue<string>(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The ARN of the group an iot:ListThingsInThingGroup call names, after the checks the API makes: a group name,
    /// MaxResults 1–250, a boolean Recursive; an unknown group is IoT's ResourceNotFoundException.
    /// </summary>
    public static string Arn(IReadOnlyDictionary<string, string> arnsByName, JsonObject parameters)
    {
        var name = parameters["ThingGroupName"]?.GetValue<string>()
            ?? throw new TaskFailure("Iot.InvalidRequestException", "ThingGroupName is required");
        if (parameters["MaxResults"] is { } max && max.GetValue<int>() is < 1 or > 250)
        {
            throw new TaskFailure("Iot.InvalidRequestException", "MaxResults must be between 1 and 250");
        }

        if (parameters["Recursive"] is { } recursive && recursive.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            throw new TaskFailure("Iot.InvalidRequestException", "Recursive must be a boolean");
        }

        return arnsByName.TryGetValue(name, out var arn)
            ? arn
            : throw new TaskFailure("Iot.ResourceNotFoundException", $"Thing group {name} does not exist");
    }
}
