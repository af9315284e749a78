using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Model;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>
/// Gate 5: each ASL file reads in flow order (states in the order an execution first visits them, nothing
/// unreachable) and names its states in PascalCase, as the other files do (see <see cref="AslFlowOrder"/>).
/// </summary>
public sealed class AslStyleGate(string repoRoot)
{
    public const string Name = "asl-flow-order";

    /// <param name="aslFiles">Repository-relative ASL files.</param>
    public GateResult Run(IReadOnlyList<string> aslFiles)
    {
        var findings = new List<Finding>();
        foreach (var file in aslFiles)
        {
            try
            {
                findings.AddRange(AslFlowOrder.Check(file, File.ReadAllText(Path.Combine(repoRoot, file))));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
            {
                findings.Add(new Finding(file, "-", "unreadable", e.Message));
            }
        }

        return new GateResult(Name, aslFiles.Count, findings, []);
    }
}
