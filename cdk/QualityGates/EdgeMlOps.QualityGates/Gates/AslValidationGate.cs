using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>
/// Gate 2: every ASL file passes asl-validator, and every state machine built from an ASL file
/// (<c>Metadata.aslFile</c>) supplies each <c>${Placeholder}</c> of that file through its
/// <c>DefinitionSubstitutions</c> and supplies nothing the file does not use.
/// </summary>
public sealed class AslValidationGate(AslValidatorRunner validator, string repoRoot)
{
    public const string Name = "asl-validator";

    /// <summary>
    /// ASL files only a staged environment deploys (<c>config/staged.yaml</c>): a single-account assembly does not
    /// build them, so they are validated there but not reported as not deployed; the staged assembly's test checks
    /// that they are deployed and their placeholders supplied.
    /// </summary>
    public static readonly IReadOnlySet<string> StagedOnlyFiles = new HashSet<string>(StringComparer.Ordinal) { "statemachines/model-promotion.asl.json" };

    /// <param name="aslFiles">Repository-relative ASL files, e.g. <c>statemachines/labeling.asl.json</c>.</param>
    /// <param name="templates">Synthesized templates; when empty, only the files themselves are validated.</param>
    /// <param name="partialAssembly">
    /// The assembly holds only some apps (<c>cdk synth -c app=…</c>): a file no state machine is built from is still
    /// validated, but not reported as not deployed. Default: false, every file must be deployed.
    /// </param>
    public GateResult Run(IReadOnlyList<string> aslFiles, IReadOnlyList<TemplateFile> templates, bool partialAssembly = false)
    {
        var failures = new List<Finding>();
        IReadOnlyList<AslValidationResult> results;
        try
        {
            results = validator.Validate(aslFiles.Select(f => Path.Combine(repoRoot, f)).ToList());
        }
        catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            failures.Add(new Finding("asl-validator", "-", "tool-error", e.Message));
            results = [];
        }

        foreach (var (file, result) in aslFiles.Zip(results))
        {
            failures.AddRange(result.Errors.Select(e => new Finding(file, "-", e.Code, e.Message)));
        }

        var stateMachines = StateMachineResource.In(templates).ToList();
        foreach (var machine in stateMachines)
        {
            failures.AddRange(CheckSubstitutions(machine));
        }

        if (templates.Count > 0 && !partialAssembly)
        {
            var deployed = stateMachines.Select(m => m.AslFile).OfType<string>().ToHashSet(StringComparer.Ordinal);
            failures.AddRange(aslFiles.Where(f => !deployed.Contains(f) && !StagedOnlyFiles.Contains(f)).Select(f =>
                new Finding(f, "-", "not-deployed", "no state machine in the cloud assembly has Metadata.aslFile = this file, so its placeholders are not checked against any substitutions")));
        }

        return new GateResult(Name, aslFiles.Count + stateMachines.Count, failures, []);
    }

    private IEnumerable<Finding> CheckSubstitutions(StateMachineResource machine)
    {
        var source = machine.Template.Name;
        var text = machine.DefinitionText(repoRoot);
        if (text is null)
        {
            yield return new Finding(source, machine.LogicalId, "definition-unreadable",
                $"the definition is neither a literal DefinitionString nor a readable Metadata.aslFile ({machine.AslFile ?? "none"})");
            yield break;
        }

        var label = machine.AslFile ?? "the definition";
        var used = Placeholders.In(text);
        var supplied = machine.Substitutions.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in used.Except(supplied).Order(StringComparer.Ordinal))
        {
            yield return new Finding(source, machine.LogicalId, "placeholder-not-supplied", $"${{{missing}}} in {label} has no DefinitionSubstitutions entry");
        }

        foreach (var unused in supplied.Except(used).Order(StringComparer.Ordinal))
        {
            yield return new Finding(source, machine.LogicalId, "substitution-not-used", $"DefinitionSubstitutions.{unused} is not used by any ${{{unused}}} in {label}");
        }
    }
}
