using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

public sealed record ReleaseLedgerProps
{
    /// <summary>
    /// What happens to the ledger when the stack is deleted. Default: RETAIN — the ledger is lineage and lives as
    /// long as the model packages it describes (which outlive any one stack).
    /// </summary>
    public RemovalPolicy RemovalPolicy { get; init; } = RemovalPolicy.RETAIN;
}

/// <summary>
/// The release ledger: one item per release of a model package (layout in <see cref="ReleaseLedgerSchema"/>),
/// with its package, training execution, dataset snapshot, labeling jobs, component versions, deployments and
/// each phase's outcome and time. No TTL: kept as long as the model package. Encrypted with its own key,
/// point-in-time recovery on. The edge workflow writes it (its role is granted PutItem and UpdateItem on <see cref="Table"/> with <see cref="Key"/>); <c>fleet status</c>
/// reads it (<see cref="GrantRead"/>).
/// </summary>
public sealed class ReleaseLedger : Construct
{
    public ReleaseLedger(Construct scope, string id, ReleaseLedgerProps props)
        : base(scope, id)
    {
        Key = new Key(this, "Key", new KeyProps
        {
            Description = "Encrypts the edge release ledger",
            EnableKeyRotation = true,
            RemovalPolicy = props.RemovalPolicy,
        });
        Table = new Table(this, "Resource", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = ReleaseLedgerSchema.PartitionKey, Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = ReleaseLedgerSchema.SortKey, Type = AttributeType.NUMBER },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.CUSTOMER_MANAGED,
            EncryptionKey = Key,
            PointInTimeRecovery = true,
            DeletionProtection = props.RemovalPolicy == RemovalPolicy.RETAIN,
            RemovalPolicy = props.RemovalPolicy,
        });
    }

    public Table Table { get; }

    public Key Key { get; }

    public string TableName => Table.TableName;

    /// <summary>Read the ledger (Query, GetItem), as <c>fleet status</c> does.</summary>
    public Grant GrantRead(IGrantable grantee)
    {
        Key.Grant(grantee, "kms:Decrypt");
        return Table.Grant(grantee, "dynamodb:Query", "dynamodb:GetItem");
    }
}
