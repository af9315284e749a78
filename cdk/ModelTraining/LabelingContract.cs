using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>
/// What the training app reads from the labeling app, resolved at deploy time from SSM
/// (<see cref="ParameterContract"/>); the values are tokens while synthesizing.
/// </summary>
public sealed record LabelingContract
{
    public required string DataBucketName { get; init; }

    public required string DataBucketKeyArn { get; init; }

    public required string OfflineStoreDatabase { get; init; }

    public required string OfflineStoreTable { get; init; }

    public required string OfflineStoreUri { get; init; }

    public static LabelingContract Read(Construct scope, ParameterContract contract) => new()
    {
        DataBucketName = StringParameter.ValueForStringParameter(scope, contract.LabelingDataBucketName),
        DataBucketKeyArn = StringParameter.ValueForStringParameter(scope, contract.LabelingDataBucketKeyArn),
        OfflineStoreDatabase = StringParameter.ValueForStringParameter(scope, contract.LabelingOfflineStoreDatabase),
        OfflineStoreTable = StringParameter.ValueForStringParameter(scope, contract.LabelingOfflineStoreTable),
        OfflineStoreUri = StringParameter.ValueForStringParameter(scope, contract.LabelingOfflineStoreUri),
    };

    /// <summary>Bucket of the offline store URI (<c>s3://bucket/prefix...</c>), as a deploy-time expression.</summary>
    public string OfflineStoreBucket => Fn.Select(0, Fn.Split("/", Fn.Select(1, Fn.Split("s3://", OfflineStoreUri))));

    /// <summary><c>arn:...:s3:::bucket/prefix.../*</c> of the offline store objects.</summary>
    public string OfflineStoreObjectsArn(string partition) =>
        Fn.Join(string.Empty, ["arn:", partition, ":s3:::", Fn.Select(1, Fn.Split("s3://", OfflineStoreUri)), "/*"]);
}
