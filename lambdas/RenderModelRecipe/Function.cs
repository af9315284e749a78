using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// Lambda handler <c>RenderModelRecipe::EdgeMlOps.EdgeDeployment.RenderModelRecipe.Function::Handle</c>:
/// reads a <see cref="RenderModelRecipeRequest"/> and returns a <see cref="ModelRelease"/> decision.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input) =>
        JsonLambda.Handle(input, request => ModelReleasePlanner.Plan(RenderModelRecipeRequest.FromJson(request)).ToJson());
}
