using System.Text.Json.Nodes;

namespace EdgeDeployment.Tests.Template;

/// <summary>
/// What a core device's IoT policy must not allow: wildcard actions (<c>iot:*</c>, <c>greengrass:*</c>, <c>*</c>),
/// connecting as another client than its own thing, and publishing, receiving or subscribing outside its own
/// thing's topics. One message per problem.
/// </summary>
internal static class IotPolicyScope
{
    public const string ThingVariable = "${iot:Connection.Thing.ThingName}";

    public static IReadOnlyList<string> Problems(JsonObject policyDocument)
    {
        var problems = new List<string>();
        foreach (var statement in EdgeStageFixture.List(policyDocument["Statement"]).OfType<JsonObject>())
        {
            var sid = statement["Sid"]?.GetValue<string>() ?? "(no sid)";
            var actions = EdgeStageFixture.List(statement["Action"]).Select(a => a!.GetValue<string>()).ToList();
            var resources = EdgeStageFixture.List(statement["Resource"]).Select(EdgeStageFixture.Text).ToList();
            foreach (var action in actions.Where(a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal)))
            {
                problems.Add($"{sid}: wildcard action {action}");
            }

            var messaging = actions.Where(a => a is "iot:Connect" or "iot:Publish" or "iot:Receive" or "iot:Subscribe" or "iot:GetThingShadow" or "iot:UpdateThingShadow" or "iot:DeleteThingShadow").ToList();
            foreach (var resource in messaging.Count == 0 ? [] : resources.Where(r => !r.Contains(ThingVariable, StringComparison.Ordinal)))
            {
                problems.Add($"{sid}: {string.Join(",", messaging)} on {resource} is not scoped to the connected thing");
            }
        }

        return problems;
    }
}
