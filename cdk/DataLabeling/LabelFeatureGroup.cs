using Amazon.CDK;
using Amazon.CDK.AWS.Glue;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.DataLabeling;

public sealed record LabelFeatureGroupProps
{
    /// <summary>Feature group name, e.g. <c>edgemlops-dev-labels</c>. Required.</summary>
    public required string FeatureGroupName { get; init; }

    /// <summary>Glue database of the offline store table (created here). Required.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>Glue table the Feature Store creates for the offline store. Required.</summary>
    public required string TableName { get; init; }

    /// <summary>Bucket (and its key) holding the offline store under <see cref="LabelingLayout.OfflineStorePrefix"/>. Required.</summary>
    public required SecureBucket Bucket { get; init; }
}

/// <summary>
/// The versioned label store: a SageMaker feature group with an offline store only (every label ever written is
/// kept, newest wins per image), KMS-encrypted with the data bucket's key, with its Glue table for Athena.
/// Schema: <c>source_ref</c> (record identifier), image width/height/depth, annotations JSON, <c>event_time</c>
/// (Fractional Unix seconds), labeling job, status APPROVED/REJECTED.
/// </summary>
public sealed class LabelFeatureGroup : Construct
{
    /// <summary>Feature names and types; the Lambdas' LabelFeatures declares the same (a test compares them).</summary>
    public static IReadOnlyList<(string Name, string Type)> Schema { get; } =
    [
        ("source_ref", "String"),
        ("image_width", "Integral"),
        ("image_height", "Integral"),
        ("image_depth", "Integral"),
        ("annotations", "String"),
        ("event_time", "Fractional"),
        ("labeling_job", "String"),
        ("status", "String"),
    ];

    public LabelFeatureGroup(Construct scope, string id, LabelFeatureGroupProps props)
        : base(scope, id)
    {
        var stack = Stack.Of(this);
        Database = new CfnDatabase(this, "Database", new CfnDatabaseProps
        {
            CatalogId = stack.Account,
            DatabaseInput = new CfnDatabase.DatabaseInputProperty
            {
                Name = props.DatabaseName,
                Description = "Offline store of the labels feature group",
            },
        });

        OfflineStoreUri = $"s3://{props.Bucket.BucketName}/{LabelingLayout.OfflineStorePrefix.TrimEnd('/')}";

        // The Feature Store writes offline-store files as this role.
        Role = new Role(this, "OfflineStoreRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
            Description = $"Writes the offline store of feature group {props.FeatureGroupName}",
        });
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject"],
            Resources = [props.Bucket.Bucket.ArnForObjects($"{LabelingLayout.OfflineStorePrefix}*")],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetBucketAcl"],
            Resources = [props.Bucket.BucketArn],
        }));
        props.Bucket.Key.Grant(Role, "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey");

        Resource = new CfnFeatureGroup(this, "Resource", new CfnFeatureGroupProps
        {
            FeatureGroupName = props.FeatureGroupName,
            Description = "Bounding-box labels of the metal-tag images, one record per label (latest per image wins)",
            RecordIdentifierFeatureName = "source_ref",
            EventTimeFeatureName = "event_time",
            FeatureDefinitions = Schema
                .Select(f => (object)new CfnFeatureGroup.FeatureDefinitionProperty { FeatureName = f.Name, FeatureType = f.Type })
                .ToArray(),
            // OfflineStoreConfig is an untyped JSON property in this CDK version: the typed property classes
            // would be written with camelCase keys, which CloudFormation rejects. Spelled out in PascalCase.
            OfflineStoreConfig = new Dictionary<string, object>
            {
                ["S3StorageConfig"] = new Dictionary<string, object>
                {
                    ["S3Uri"] = OfflineStoreUri,
                    ["KmsKeyId"] = props.Bucket.Key.KeyArn,
                },
                ["DisableGlueTableCreation"] = false,
                ["DataCatalogConfig"] = new Dictionary<string, object>
                {
                    ["Catalog"] = "AwsDataCatalog",
                    ["Database"] = props.DatabaseName,
                    ["TableName"] = props.TableName,
                },
                ["TableFormat"] = "Glue",
            },
            RoleArn = Role.RoleArn,
        });
        Resource.AddDependency(Database);
        Resource.Node.AddDependency(Role);

        FeatureGroupName = props.FeatureGroupName;
        DatabaseName = props.DatabaseName;
        TableName = props.TableName;
        FeatureGroupArn = stack.FormatArn(new ArnComponents
        {
            Service = "sagemaker",
            Resource = "feature-group",
            ResourceName = props.FeatureGroupName.ToLowerInvariant(),
        });
    }

    public CfnFeatureGroup Resource { get; }

    public CfnDatabase Database { get; }

    public Role Role { get; }

    public string FeatureGroupName { get; }

    public string FeatureGroupArn { get; }

    public string DatabaseName { get; }

    public string TableName { get; }

    /// <summary>S3 URI the offline store writes under (the Feature Store adds account/table folders below it).</summary>
    public string OfflineStoreUri { get; }

    /// <summary>Write records (<c>sagemaker:PutRecord</c> is the IAM action of the runtime's PutRecord).</summary>
    public Grant GrantPutRecord(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["sagemaker:PutRecord"],
        ResourceArns = [FeatureGroupArn],
    });
}
