using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record RetrainCounterProps
{
    /// <summary>What happens to the table when the stack is deleted. Default: DESTROY (the count is soft state).</summary>
    public RemovalPolicy RemovalPolicy { get; init; } = RemovalPolicy.DESTROY;
}

/// <summary>
/// The number of new labels since the last training started: one DynamoDB item that the training workflow raises
/// with an atomic <c>ADD</c> on every LabelsUpdated event and sets back to 0 when it starts a training (whatever
/// the trigger), so many small labeling runs add up to a retraining instead of each falling short on its own.
/// </summary>
public sealed class RetrainCounter : Construct
{
    public const string PartitionKey = "counter";

    /// <summary>Partition key value of the one item.</summary>
    public const string NewLabelsItem = "new-labels";

    public RetrainCounter(Construct scope, string id, RetrainCounterProps props)
        : base(scope, id)
    {
        Table = new Table(this, "Resource", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            // The AWS managed key: the item holds one count, and a customer managed key would only add kms:
            // permissions to the workflow role.
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            RemovalPolicy = props.RemovalPolicy,
        });
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    public string TableArn => Table.TableArn;
}
