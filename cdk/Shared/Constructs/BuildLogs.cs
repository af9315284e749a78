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
        (Key, LogGroup) = EncryptedLogGroup.AddTo(this, new EncryptedLogGroupProps { Purpose = "build logs", KeyId = "Key", LogGroupId = "Resource" });
    }

    public LogGroup LogGroup { get; }

    public Key Key { get; }
}
