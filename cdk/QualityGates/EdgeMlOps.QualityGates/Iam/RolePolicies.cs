using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Iam;

/// <summary>The Allow actions granted to one role in a template, and what could not be read as such.</summary>
public sealed record RoleGrants(IReadOnlyList<string> Actions, IReadOnlyList<string> Problems);

/// <summary>
/// Collects what a role may do from its template: the role's inline <c>Policies</c>, every
/// <c>AWS::IAM::Policy</c> whose <c>Roles</c> reference it and every <c>AWS::IAM::RolePolicy</c> on it.
/// Managed policies (on the role or attached through <c>AWS::IAM::ManagedPolicy</c>) and <c>NotAction</c>
/// cannot be reduced to a list of actions here, so they are reported as problems.
/// </summary>
public static class RolePolicies
{
    public static RoleGrants Read(TemplateFile template, string roleLogicalId)
    {
        var actions = new List<string>();
        var problems = new List<string>();
        var role = template.Find(roleLogicalId);
        if (role is null || role.Type != "AWS::IAM::Role")
        {
            return new RoleGrants([], [$"RoleArn refers to {roleLogicalId}, which is not an AWS::IAM::Role of this template"]);
        }

        if (role.Properties["ManagedPolicyArns"] is JsonArray { Count: > 0 } managed)
        {
            problems.Add($"role {roleLogicalId} has managed policies ({managed.ToJsonString()}); grant task actions through inline statements only");
        }

        foreach (var policy in role.Properties["Policies"] as JsonArray ?? [])
        {
            ReadDocument(policy?["PolicyDocument"], $"{roleLogicalId} inline policy", actions, problems);
        }

        foreach (var resource in template.Resources)
        {
            var attached = resource.Type switch
            {
                "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy" => (resource.Properties["Roles"] as JsonArray ?? []).Any(r => Intrinsics.ReferencedLogicalId(r) == roleLogicalId),
                "AWS::IAM::RolePolicy" => Intrinsics.ReferencedLogicalId(resource.Properties["RoleName"]) == roleLogicalId,
                _ => false,
            };
            if (!attached)
            {
                continue;
            }

            if (resource.Type == "AWS::IAM::ManagedPolicy")
            {
                problems.Add($"managed policy {resource.LogicalId} is attached to role {roleLogicalId}; grant task actions through inline statements only");
            }
            else
            {
                ReadDocument(resource.Properties["PolicyDocument"], resource.LogicalId, actions, problems);
            }
        }

        return new RoleGrants(actions, problems);
    }

    private static void ReadDocument(JsonNode? document, string policy, List<string> actions, List<string> problems)
    {
        var statements = document?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };
        foreach (var statement in statements)
        {
            if (statement["Effect"] is JsonValue effect && effect.TryGetValue<string>(out var e) && e == "Deny")
            {
                continue;
            }

            if (statement["NotAction"] is not null)
            {
                problems.Add($"{policy} uses NotAction, which grants an open-ended set of actions");
            }

            actions.AddRange(Intrinsics.Strings(statement["Action"]));
        }
    }
}
