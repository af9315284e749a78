using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// Lambda handler <c>EvaluateFleetHealth::EdgeMlOps.EdgeDeployment.EvaluateFleetHealth.Function::Handle</c>:
/// reads a <see cref="HealthGateInput"/> (raw Step Functions results) and returns a <see cref="HealthVerdict"/>.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input) =>
        JsonLambda.Handle(input, request => HealthGate.Evaluate(HealthGateInput.FromJson(request)).ToJson());
}
