namespace EdgeMlOps.QualityGates.Model;

/// <summary>
/// One failed check. <paramref name="Source"/> is the template (relative to the cloud assembly) or the ASL file
/// (relative to the repository); <paramref name="Subject"/> the resource logical id or the state name.
/// </summary>
public sealed record Finding(string Source, string Subject, string Check, string Message);

/// <summary>A waived cfn-guard failure: which rule, on which resource, and why.</summary>
public sealed record Suppression(string Template, string Resource, string Rule, string Reason);

/// <summary>What one gate checked and what it found. A gate passes when it has no failures.</summary>
public sealed record GateResult(string Gate, int Checked, IReadOnlyList<Finding> Failures, IReadOnlyList<Suppression> Suppressions)
{
    public bool Passed => Failures.Count == 0;
}
