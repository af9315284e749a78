using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Iam;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>
/// Gate 4: each state machine's role allows exactly what its tasks need. Missing: a task action no granted
/// action covers. Extra: a granted action that is neither a task action, nor logging/tracing, nor KMS use,
/// nor declared in <c>Metadata.supportingActions</c> with a reason (wildcards count as extra unless declared
/// literally).
/// </summary>
public sealed class StateMachineRoleGate(RequiredActions requiredActions, string repoRoot)
{
    public const string Name = "state-machine-iam";

    public GateResult Run(IReadOnlyList<TemplateFile> templates)
    {
        var failures = new List<Finding>();
        var machines = StateMachineResource.In(templates).ToList();
        foreach (var machine in machines)
        {
            failures.AddRange(Check(machine).Select(p => new Finding(machine.Template.Name, machine.LogicalId, p.Check, p.Message)));
        }

        return new GateResult(Name, machines.Count, failures, []);
    }

    private IEnumerable<(string Check, string Message)> Check(StateMachineResource machine)
    {
        var definition = machine.DefinitionText(repoRoot) is { } text ? AslDocument.TryParse(text) : null;
        if (definition is null)
        {
            yield return ("definition-unreadable", "the definition could not be read as JSON (literal DefinitionString or Metadata.aslFile), so the needed actions are unknown");
            yield break;
        }

        if (machine.RoleLogicalId is not { } roleId)
        {
            yield return ("role-not-found", "RoleArn is not a Ref/Fn::GetAtt of a role in this template");
            yield break;
        }

        var needed = new List<RequiredAction>();
        foreach (var (action, error) in requiredActions.For(AslTasks.In(definition)))
        {
            if (error is not null)
            {
                yield return ("unknown-integration", error);
            }
            else
            {
                needed.Add(action!);
            }
        }

        var declared = new List<string>();
        foreach (var supporting in machine.Supporting)
        {
            if (string.IsNullOrWhiteSpace(supporting.Reason))
            {
                yield return ("supporting-without-reason", $"supportingActions [{string.Join(", ", supporting.Actions)}] has no reason, so they are not accepted");
            }
            else
            {
                declared.AddRange(supporting.Actions);
            }
        }

        if (machine.Template.Find(roleId)?.Type != "AWS::IAM::Role")
        {
            yield return ("role-not-found", $"RoleArn refers to {roleId}, which is not an AWS::IAM::Role of this template");
            yield break;
        }

        var grants = RolePolicies.Read(machine.Template, roleId);
        foreach (var problem in grants.Problems)
        {
            yield return ("policy-unreadable", problem);
        }

        foreach (var group in needed.GroupBy(n => n.Action, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!grants.Actions.Any(g => ActionPattern.Matches(g, group.Key)))
            {
                yield return ("missing-action", $"role {roleId} does not allow {group.Key}, needed by task {string.Join(", ", group.Select(n => n.Task).Distinct())}");
            }
        }

        var accepted = new HashSet<string>(
            needed.Select(n => n.Action).Concat(RequiredActions.LoggingAndTracing).Concat(RequiredActions.KmsUse).Concat(declared),
            StringComparer.OrdinalIgnoreCase);
        foreach (var extra in grants.Actions.Where(g => !accepted.Contains(g)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            yield return ("extra-action", $"role {roleId} allows {extra}, which no task needs and no supportingActions entry declares");
        }
    }
}
