using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record DriftEventsTableProps
{
    /// <summary>What happens to the table when the stack is deleted. Default: DESTROY (the latest event per device is soft state).</summary>
    public RemovalPolicy RemovalPolicy { get; init; } = RemovalPolicy.DESTROY;
}

/// <summary>
/// The devices' latest drift events (<see cref="DriftEventsSchema"/>): the edge app's drift rule writes one item
/// per device while it reports drift, the training workflow scans for events after the last training. AWS managed
/// encryption, like the retrain counter: the IoT rule of another app writes it, and a customer managed key would
/// need a cross-app key grant for no gain (the items hold scores and versions, no image data).
/// </summary>
public sealed class DriftEventsTable : Construct
{
    public DriftEventsTable(Construct scope, string id, DriftEventsTableProps props)
        : base(scope, id)
    {
        Table = new Table(this, "Resource", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = DriftEventsSchema.PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            RemovalPolicy = props.RemovalPolicy,
        });
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    public string TableArn => Table.TableArn;
}
