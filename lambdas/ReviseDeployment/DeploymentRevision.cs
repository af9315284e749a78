using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// The revised component list of a target, the list to return to when the revision fails (the current one,
/// unchanged), and the names of the components the revision kept without changing them.
/// </summary>
public sealed record DeploymentRevision(JsonObject Components, JsonObject RollbackComponents, IReadOnlyList<string> KeptComponents)
{
    public JsonObject ToJson() => new()
    {
        ["components"] = Components.DeepClone(),
        ["rollbackComponents"] = RollbackComponents.DeepClone(),
        ["keptComponents"] = new JsonArray(KeptComponents.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
    };
}
