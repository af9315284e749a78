using EdgeMlOps.Contracts;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// Lambda handler <c>EvaluateFleetHealth::EdgeMlOps.EdgeDeployment.EvaluateFleetHealth.Function::Handle</c>:
/// reads a <see cref="HealthGateInput"/> (raw Step Functions results) and returns a <see cref="HealthVerdict"/>; given
/// <c>shadowEvidence</c> or <c>acceptanceEvidence</c> (a page of canary heartbeats) instead, it returns the approval
/// e-mail's shadow evidence (<see cref="ShadowEvidence"/>) or on-device acceptance evidence (<see cref="AcceptanceEvidence"/>),
/// and given <c>acceptanceEvidenceKeys</c> (the canary's core devices) the keys that evidence is read by.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input) =>
        JsonLambda.Handle(input, request =>
            request.ContainsKey("shadowEvidence") ? ShadowEvidence.FromJson(request)
            : request.ContainsKey("acceptanceEvidence") ? AcceptanceEvidence.FromJson(request)
            : request.ContainsKey("acceptanceEvidenceKeys") ? AcceptanceEvidence.KeysFromJson(request)
            : HealthGate.Evaluate(HealthGateInput.FromJson(request)).ToJson());
}
