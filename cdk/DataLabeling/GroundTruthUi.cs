using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.S3.Deployment;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.DataLabeling;

public sealed record GroundTruthUiProps
{
    /// <summary>Bucket receiving the files under <see cref="LabelingLayout.UiPrefix"/>. Required.</summary>
    public required SecureBucket Bucket { get; init; }

    /// <summary>Class labels shown to workers; class id = index (config <c>labeling.classLabels</c>). Required.</summary>
    public required IReadOnlyList<string> ClassLabels { get; init; }

    /// <summary>Where the repository is (the templates are in <c>cdk/DataLabeling/GroundTruth</c>). Required.</summary>
    public required BuildOptions Build { get; init; }
}

/// <summary>
/// The worker UI of both jobs, deployed to the data bucket: the bounding-box and verification Liquid templates
/// written by the project, the class-label file built from the configuration, and the verification job's label
/// file (same labels plus <c>auditLabelAttributeName</c>, which tells the verification task which labels to show).
/// </summary>
public sealed class GroundTruthUi : Construct
{
    public const string TemplateFolder = "cdk/DataLabeling/GroundTruth";

    public GroundTruthUi(Construct scope, string id, GroundTruthUiProps props)
        : base(scope, id)
    {
        if (props.ClassLabels.Count == 0 || props.ClassLabels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("GroundTruthUiProps.ClassLabels needs at least one non-empty label");
        }

        var labels = props.ClassLabels.Select(l => new Dictionary<string, object> { ["label"] = l }).ToArray();
        Deployment = new BucketDeployment(this, "Resource", new BucketDeploymentProps
        {
            DestinationBucket = props.Bucket.Bucket,
            DestinationKeyPrefix = LabelingLayout.UiPrefix,
            Sources =
            [
                Source.Asset(props.Build.Resolve(TemplateFolder)),
                Source.JsonData(LabelingLayout.LabelCategoriesFile, new Dictionary<string, object>
                {
                    ["document-version"] = "2018-11-28",
                    ["labels"] = labels,
                }),
                Source.JsonData(LabelingLayout.VerificationCategoriesFile, new Dictionary<string, object>
                {
                    ["document-version"] = "2018-11-28",
                    ["labels"] = labels,
                    ["auditLabelAttributeName"] = LabelingLayout.LabelAttributeName,
                }),
            ],
            // Old template versions stay in the versioned bucket; no need to prune.
            Prune = false,
            RetainOnDelete = true,
        });

        // The deployment's handler is a CDK singleton Lambda at stack level; it is waived like the project's own.
        foreach (var handler in Stack.Of(this).Node.Children.OfType<Function>()
            .Where(f => f.Node.Id.StartsWith("Custom::CDKBucketDeployment", StringComparison.Ordinal)))
        {
            GuardSuppressions.Add(handler, "lambda_inside_vpc_check",
                "CDK's BucketDeployment handler copies the Ground Truth UI files into S3 at deploy time through S3's public endpoint with IAM auth; it reaches no private network resource.");
        }

        var root = $"s3://{props.Bucket.BucketName}/{LabelingLayout.UiPrefix}";
        LabelingTemplateUri = root + LabelingLayout.LabelingTemplateFile;
        VerificationTemplateUri = root + LabelingLayout.VerificationTemplateFile;
        LabelCategoriesUri = root + LabelingLayout.LabelCategoriesFile;
        VerificationCategoriesUri = root + LabelingLayout.VerificationCategoriesFile;
    }

    public BucketDeployment Deployment { get; }

    public string LabelingTemplateUri { get; }

    public string VerificationTemplateUri { get; }

    public string LabelCategoriesUri { get; }

    public string VerificationCategoriesUri { get; }
}
