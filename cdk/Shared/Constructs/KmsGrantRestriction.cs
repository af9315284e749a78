using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Adds to KMS keys the statement Control Tower's CT.KMS.PR.3 (<c>kms_create_grant_aws_service_check</c>) requires:
/// deny <c>kms:CreateGrant</c> unless the grant is for an AWS resource or the caller is an AWS service. Grants are
/// how services such as Lambda, CloudWatch Logs or SageMaker use a key on a resource's behalf; nobody else needs
/// to create them. Call <see cref="ApplyTo"/> once, after every construct of the stage or stack exists.
/// </summary>
public static class KmsGrantRestriction
{
    /// <summary>Adds the statement to every KMS key below <paramref name="scope"/>.</summary>
    public static void ApplyTo(IConstruct scope)
    {
        foreach (var key in scope.Node.FindAll().OfType<Key>())
        {
            Restrict(key);
        }
    }

    private static void Restrict(Key key) =>
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DenyGrantsExceptForAwsServices",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["kms:CreateGrant"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["BoolIfExists"] = new Dictionary<string, object>
                {
                    ["kms:GrantIsForAWSResource"] = "false",
                    ["aws:PrincipalIsAWSService"] = "false",
                },
            },
        }));
}
