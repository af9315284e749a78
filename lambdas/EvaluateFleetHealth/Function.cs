using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

/// <summary>
/// Lambda handler <c>EvaluateFleetHealth::EdgeMlOps.EdgeDeployment.EvaluateFleetHealth.Function::Handle</c>:
/// reads a <see cref="HealthGateInput"/> (raw Step Functions results) and returns a <see cref="HealthVerdict"/>.
/// </summary>
public static class Function
{
    public static Stream Handle(Stream input)
    {
        var json = JsonNode.Parse(input) as JsonObject
            ?? throw new ArgumentException("The input must be a JSON object");
        var verdict = HealthGate.Evaluate(HealthGateInput.FromJson(json));
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, verdict.ToJson());
        output.Position = 0;
        return output;
    }
}
