using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.ModelTraining.Promotion;

public sealed record CrossAccountModelAccessProps
{
    /// <summary>The account of the next stage, whose model promotion reads this stage's packages. Required.</summary>
    public required string ConsumerAccount { get; init; }

    /// <summary>This stage's model package group. Required.</summary>
    public required ModelPackageGroup ModelPackageGroup { get; init; }

    /// <summary>This stage's training artifacts bucket (models, acceptance sets, promoted copies). Required.</summary>
    public required SecureBucket Artifacts { get; init; }
}

/// <summary>
/// What the next stage's model promotion may read in this account, granted on the resources (the consumer account
/// decides by IAM which of its roles use it): describe and list the packages of the model package group (its
/// resource policy), read the objects of the artifacts bucket (bucket policy) and decrypt them through S3 with the
/// bucket's key (key policy). Nothing is writable from the other account.
/// </summary>
public sealed class CrossAccountModelAccess : Construct
{
    /// <summary>Registry actions the consumer account may call on the group and its packages.</summary>
    public static readonly IReadOnlyList<string> RegistryActions = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"];

    public CrossAccountModelAccess(Construct scope, string id, CrossAccountModelAccessProps props)
        : base(scope, id)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(props.ConsumerAccount, @"^\d{12}$"))
        {
            throw new ArgumentException($"CrossAccountModelAccessProps.ConsumerAccount must be a 12-digit account id, got '{props.ConsumerAccount}'");
        }

        var stack = Stack.Of(this);
        var consumer = new AccountPrincipal(props.ConsumerAccount);
        var groupArn = stack.FormatArn(new ArnComponents { Service = "sagemaker", Resource = "model-package-group", ResourceName = props.ModelPackageGroup.GroupName.ToLowerInvariant() });
        var consumerRoot = $"arn:{Aws.PARTITION}:iam::{props.ConsumerAccount}:root";
        props.ModelPackageGroup.Resource.ModelPackageGroupPolicy = new Dictionary<string, object>
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["Sid"] = "NextStageReadsPackages",
                    ["Effect"] = "Allow",
                    ["Principal"] = new Dictionary<string, object> { ["AWS"] = consumerRoot },
                    ["Action"] = RegistryActions.ToArray(),
                    // The group's own ARN written out: its GetAtt inside its own property would be a dependency cycle.
                    ["Resource"] = new[] { groupArn, props.ModelPackageGroup.PackagesArn },
                },
            },
        };

        props.Artifacts.Bucket.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "NextStageReadsModels",
            Principals = [consumer],
            Actions = ["s3:GetObject"],
            Resources = [props.Artifacts.Bucket.ArnForObjects("*")],
        }));
        props.Artifacts.Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "NextStageDecryptsModelsThroughS3",
            Principals = [consumer],
            Actions = ["kms:Decrypt"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["kms:ViaService"] = $"s3.{stack.Region}.amazonaws.com" },
            },
        }));
    }
}
