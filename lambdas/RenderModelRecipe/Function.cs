using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Lambda handler <c>RenderModelRecipe::EdgeMlOps.EdgeDeployment.RenderModelRecipe.Function::Handle</c>:
/// reads a <see cref="RenderModelRecipeRequest"/> and returns a <see cref="ModelRelease"/> decision.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input)
    {
        var request = JsonNode.Parse(input) as JsonObject
            ?? throw new ArgumentException("The input must be a JSON object");
        var result = ModelReleasePlanner.Plan(RenderModelRecipeRequest.FromJson(request));
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, result.ToJson());
        output.Position = 0;
        return output;
    }
}
