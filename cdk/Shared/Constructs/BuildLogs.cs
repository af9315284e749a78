using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>A KMS-encrypted log group with one year of retention, for CodeBuild projects.</summary>
public sealed class BuildLogs : Construct
{
    public BuildLogs(Construct scope, string id)
        : base(scope, id)
    {
        Key = new Key(this, "Key", new KeyProps
        {
            Description = $"Encrypts the build logs of {Node.Path}",
            EnableKeyRotation = true,
        });
        Key.GrantEncryptDecrypt(new ServicePrincipal($"logs.{Amazon.CDK.Stack.Of(this).Region}.amazonaws.com"));
        LogGroup = new LogGroup(this, "Resource", new LogGroupProps
        {
            EncryptionKey = Key,
            Retention = RetentionDays.ONE_YEAR,
        });
    }

    public LogGroup LogGroup { get; }

    public Key Key { get; }
}
