using EdgeMlOps.QualityGates.Guard;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>
/// Gate 1: every template passes the AWS Control Tower proactive-control rules under cfn-guard, except failures
/// waived on that resource by a <c>guard</c> metadata suppression with a reason.
/// </summary>
public sealed class CfnGuardGate(CfnGuardRunner runner)
{
    public const string Name = "cfn-guard";

    public GateResult Run(IReadOnlyList<TemplateFile> templates)
    {
        var run = runner.Run(templates);
        var failures = new List<Finding>();
        var suppressions = new List<Suppression>();
        failures.AddRange(run.ToolErrors.Select(e => new Finding("cfn-guard", "-", "tool-error", e)));
        failures.AddRange(run.UnparsableRuleFiles.Select(e => new Finding("rules", "-", "rule-not-parsed",
            $"cfn-guard could not parse this rule file, so it was not evaluated: {e}")));

        var byName = templates.ToDictionary(t => t.Name);
        foreach (var failure in run.Failures)
        {
            var template = byName.GetValueOrDefault(failure.Template);
            var resources = failure.Resources.Count > 0 ? failure.Resources : ["(template)"];
            foreach (var logicalId in resources)
            {
                var resource = template?.Find(logicalId);
                var entries = resource is null ? [] : GuardSuppressionEntry.Read(resource);
                var waiver = entries.FirstOrDefault(e => e.HasReason && e.Covers(failure.Rule, failure.Message));
                if (waiver is not null)
                {
                    suppressions.Add(new Suppression(failure.Template, logicalId, failure.Rule, waiver.Reason!.Trim()));
                }
                else
                {
                    failures.Add(new Finding(failure.Template, logicalId, failure.Rule, failure.Message));
                }
            }
        }

        foreach (var template in templates)
        {
            foreach (var resource in template.Resources)
            {
                failures.AddRange(GuardSuppressionEntry.Read(resource).Where(e => !e.HasReason).Select(e =>
                    new Finding(template.Name, resource.LogicalId, e.Rule, $"suppression of {e.Rule} has no reason in Metadata.guard.Reasons; it waives nothing")));
            }
        }

        return new GateResult(Name, templates.Count, failures, suppressions);
    }
}
