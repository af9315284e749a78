using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Workflow;

public sealed record ReleaseLockProps
{
    /// <summary>What the lock serialises, for the table's description in the console. Default: "edge releases".</summary>
    public string Purpose { get; init; } = "edge releases";
}

/// <summary>
/// One release at a time per environment: a DynamoDB table with one item (<c>lockId = "release"</c>) that an edge
/// deployment execution writes with a condition (<c>attribute_not_exists(lockId)</c>) before it releases anything
/// and deletes (on condition that it still holds it) at every end. The item names the holding execution; a waiting
/// execution takes the lock over, again conditionally, when DescribeExecution says the holder no longer runs — so
/// the lock expires with an execution that died where no Catch could run (history or payload limit, timeout,
/// abort). The environment is the stack: each environment has its own table.
/// </summary>
public sealed class ReleaseLock : Construct
{
    public const string PartitionKey = "lockId";

    public ReleaseLock(Construct scope, string id, ReleaseLockProps props)
        : base(scope, id)
    {
        if (string.IsNullOrWhiteSpace(props.Purpose))
        {
            throw new ArgumentException("ReleaseLockProps.Purpose must not be empty");
        }

        Table = new Table(this, "Resource", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        Amazon.CDK.Tags.Of(Table).Add("edgemlops:purpose", $"lock serialising {props.Purpose}");
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    public string TableArn => Table.TableArn;
}
