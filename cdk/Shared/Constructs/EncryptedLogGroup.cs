using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record EncryptedLogGroupProps
{
    /// <summary>What the logs are, for the key's description ("execution logs", "logs"). Required.</summary>
    public required string Purpose { get; init; }

    /// <summary>Construct id of the key in the owner. Default: LogKey.</summary>
    public string KeyId { get; init; } = "LogKey";

    /// <summary>Construct id of the log group in the owner. Default: LogGroup.</summary>
    public string LogGroupId { get; init; } = "LogGroup";

    /// <summary>Retention of the log group. Default: one year (the Control Tower minimum).</summary>
    public RetentionDays Retention { get; init; } = RetentionDays.ONE_YEAR;
}

/// <summary>
/// A log group encrypted with its own rotating KMS key that CloudWatch Logs of the region may use: the one way every
/// state machine, function and build of the project keeps its logs. The key and the group are added directly to the
/// owner construct under the ids given, not below a construct of their own, so the logical ids of deployed stacks
/// stay what they were.
/// </summary>
public sealed record EncryptedLogGroup(Key Key, LogGroup LogGroup)
{
    public static EncryptedLogGroup AddTo(Construct owner, EncryptedLogGroupProps props)
    {
        var key = new Key(owner, props.KeyId, new KeyProps
        {
            Description = $"Encrypts the {props.Purpose} of {owner.Node.Path}",
            EnableKeyRotation = true,
        });
        key.GrantEncryptDecrypt(new ServicePrincipal($"logs.{Stack.Of(owner).Region}.amazonaws.com"));
        var logGroup = new LogGroup(owner, props.LogGroupId, new LogGroupProps
        {
            EncryptionKey = key,
            Retention = props.Retention,
        });
        return new EncryptedLogGroup(key, logGroup);
    }
}
