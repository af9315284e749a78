using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Constructs;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// Names of the capture replication from production's labeling data bucket to dev's, derived from the staged
/// configuration on both sides, so neither stage reads the other's CloudFormation exports.
/// </summary>
/// <param name="Dev">The dev stage (destination).</param>
/// <param name="Production">The production stage (source).</param>
/// <param name="DevBucketName">Dev's labeling data bucket.</param>
/// <param name="DevKeyArn">Dev's data bucket key (from the configuration: a key ARN has a random id, and S3 resolves an alias in the replicating account, not the destination's).</param>
/// <param name="ReplicationRoleName">The role S3 assumes in production to replicate.</param>
/// <param name="CapturePrefix">The labeling capture prefix, the same in every stage.</param>
public sealed record CaptureReplicationNames(DeploymentTarget Dev, DeploymentTarget Production, string DevBucketName, string DevKeyArn, string ReplicationRoleName, string CapturePrefix)
{
    public string DevBucketArn => $"arn:{Aws.PARTITION}:s3:::{DevBucketName}";

    public string ReplicationRoleArn => $"arn:{Aws.PARTITION}:iam::{Production.Account}:role/{ReplicationRoleName}";

    /// <summary>The replication of <paramref name="settings"/>' staged environment; null when it is off or there are no stages.</summary>
    public static CaptureReplicationNames? Of(AppSettings settings) =>
        settings.Stages is { ProductionCaptureReplicaKeyArn: { } keyArn } stages
            ? new CaptureReplicationNames(
                stages.Dev,
                stages.Production,
                LabelingStage.StagedDataBucketNameOf(settings.ResourcePrefixOf(stages.Dev), stages.Dev.Account),
                keyArn,
                $"{settings.ResourcePrefixOf(stages.Production)}-capture-replication",
                settings.Labeling.CapturePrefix)
            : null;
}

public sealed record CaptureReplicationProps
{
    /// <summary>This stage's labeling data bucket. Required.</summary>
    public required SecureBucket Data { get; init; }

    /// <summary>What is replicated where. Required.</summary>
    public required CaptureReplicationNames Names { get; init; }
}

/// <summary>
/// Production's side: S3 replicates every new object under the capture prefix (the devices' uncertain frames and
/// their sidecars) to dev's labeling data bucket, re-encrypted with dev's key, through a role that may read only the
/// capture prefix here and write only the capture prefix there. Deletes are not replicated.
/// </summary>
public sealed class CaptureReplicationSource : Construct
{
    public const string RuleId = "CapturesToDev";

    public CaptureReplicationSource(Construct scope, string id, CaptureReplicationProps props)
        : base(scope, id)
    {
        var names = props.Names;
        var stack = Stack.Of(this);
        Role = new Role(this, "Role", new RoleProps
        {
            RoleName = names.ReplicationRoleName,
            AssumedBy = new ServicePrincipal("s3.amazonaws.com"),
            Description = $"S3 replication of {names.CapturePrefix} to dev's labeling data bucket {names.DevBucketName}",
        });
        var captures = props.Data.Bucket.ArnForObjects(names.CapturePrefix + "*");
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resources = [props.Data.BucketArn],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // Retention and legal hold: the bucket has Object Lock enabled.
            Actions = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
            Resources = [captures],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:ReplicateObject", "s3:ReplicateTags"],
            Resources = [$"{names.DevBucketArn}/{names.CapturePrefix}*"],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kms:Decrypt"],
            Resources = [props.Data.Key.KeyArn],
            Conditions = ViaS3(stack.Region),
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // Dev's key policy admits this role only.
            Actions = ["kms:Encrypt", "kms:GenerateDataKey"],
            Resources = [names.DevKeyArn],
            Conditions = ViaS3(names.Dev.Region),
        }));

        var bucket = (CfnBucket)props.Data.Bucket.Node.DefaultChild!;
        bucket.ReplicationConfiguration = new CfnBucket.ReplicationConfigurationProperty
        {
            Role = Role.RoleArn,
            Rules = new object[]
            {
                new CfnBucket.ReplicationRuleProperty
                {
                    Id = RuleId,
                    Status = "Enabled",
                    Priority = 1,
                    Filter = new CfnBucket.ReplicationRuleFilterProperty { Prefix = names.CapturePrefix },
                    DeleteMarkerReplication = new CfnBucket.DeleteMarkerReplicationProperty { Status = "Disabled" },
                    SourceSelectionCriteria = new CfnBucket.SourceSelectionCriteriaProperty
                    {
                        SseKmsEncryptedObjects = new CfnBucket.SseKmsEncryptedObjectsProperty { Status = "Enabled" },
                    },
                    Destination = new CfnBucket.ReplicationDestinationProperty
                    {
                        Bucket = names.DevBucketArn,
                        Account = names.Dev.Account,
                        EncryptionConfiguration = new CfnBucket.EncryptionConfigurationProperty { ReplicaKmsKeyId = names.DevKeyArn },
                    },
                },
            },
        };
    }

    public Role Role { get; }

    internal static Dictionary<string, object> ViaS3(string region) => new()
    {
        ["StringEquals"] = new Dictionary<string, object> { ["kms:ViaService"] = $"s3.{region}.amazonaws.com" },
    };
}

/// <summary>
/// Dev's side: the data bucket and its key admit production's replication role (by account and role ARN, so dev can
/// deploy before the role exists) to write replicas under the capture prefix, encrypted with this key, and nothing else.
/// </summary>
public sealed class CaptureReplicationTarget : Construct
{
    public CaptureReplicationTarget(Construct scope, string id, CaptureReplicationProps props)
        : base(scope, id)
    {
        var names = props.Names;
        var stack = Stack.Of(this);
        var production = new AccountPrincipal(names.Production.Account);
        var fromRole = new Dictionary<string, object>
        {
            ["ArnEquals"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = names.ReplicationRoleArn },
        };
        props.Data.Bucket.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ProductionReplicatesCaptures",
            Principals = [production],
            Actions = ["s3:ReplicateObject", "s3:ReplicateTags"],
            Resources = [props.Data.Bucket.ArnForObjects(names.CapturePrefix + "*")],
            Conditions = fromRole,
        }));
        props.Data.Bucket.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ProductionReadsVersioning",
            Principals = [production],
            Actions = ["s3:GetBucketVersioning"],
            Resources = [props.Data.BucketArn],
            Conditions = fromRole,
        }));
        var encrypt = new Dictionary<string, object>(CaptureReplicationSource.ViaS3(stack.Region));
        encrypt["ArnEquals"] = fromRole["ArnEquals"];
        props.Data.Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ProductionEncryptsReplicatedCaptures",
            Principals = [production],
            Actions = ["kms:Encrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = encrypt,
        }));
    }
}
