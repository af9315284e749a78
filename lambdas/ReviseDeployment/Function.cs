using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// Lambda handler <c>ReviseDeployment::EdgeMlOps.EdgeDeployment.ReviseDeployment.Function::Handle</c>.
/// Input <c>{"currentComponents": {name: spec}, "updates": [{"componentName", "componentVersion", "configurationMerge"?, "rollbackReset"?}]}</c>, where
/// each spec is a CreateDeployment component specification in Step Functions' PascalCase
/// (<c>ComponentVersion</c>, <c>ConfigurationUpdate</c>, <c>RunWith</c>). Output: see <see cref="DeploymentRevision"/>.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input) => JsonLambda.Handle(input, Revise);

    private static JsonNode Revise(JsonObject request)
    {
        var current = request["currentComponents"] as JsonObject ?? [];
        var updates = (request["updates"] as JsonArray ?? throw new ArgumentException("updates must be a list"))
            .Select(u => new ComponentUpdate(
                u?["componentName"]?.GetValue<string>() ?? throw new ArgumentException("an update has no componentName"),
                u?["componentVersion"]?.GetValue<string>() ?? throw new ArgumentException("an update has no componentVersion"),
                u?["configurationMerge"] as JsonObject)
            {
                RollbackReset = [.. (u?["rollbackReset"] as JsonArray ?? []).Select(p => p?.GetValue<string>() ?? throw new ArgumentException("rollbackReset holds JSON pointers"))],
            })
            .ToList();
        return DeploymentReviser.Revise(current, updates).ToJson();
    }
}
