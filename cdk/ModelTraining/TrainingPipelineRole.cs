using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record TrainingPipelineRoleProps
{
    /// <summary>Name of the SageMaker pipeline; its jobs are named pipelines-*. Required.</summary>
    public required string PipelineName { get; init; }

    /// <summary>Bucket of datasets, models and evaluation reports. Required.</summary>
    public required SecureBucket Artifacts { get; init; }

    /// <summary>The model package group the pipeline registers into. Required.</summary>
    public required ModelPackageGroup ModelPackageGroup { get; init; }

    /// <summary>The PrepareYoloDataset function invoked by the Lambda step. Required.</summary>
    public required IFunction PrepareDatasetFunction { get; init; }

    /// <summary>sourcedir.tar.gz; the jobs read exactly this object. Required.</summary>
    public required Asset SourceDir { get; init; }

    /// <summary>Image of the training and evaluation jobs; pull is allowed from its repository only. Required.</summary>
    public required string ContainerImageUri { get; init; }

    /// <summary>
    /// Pretrained weights outside the artifacts bucket (s3://bucket/key), readable by the jobs.
    /// Default: null, the weights live under pretrained/ in the artifacts bucket.
    /// </summary>
    public string? ExternalWeightsUri { get; init; }
}

/// <summary>
/// The role of the SageMaker pipeline and of every job it starts. Least privilege: jobs named pipelines-* in this
/// account and region, its own artifacts bucket by prefix (and key), the one scripts object, the one function, the
/// one model package group, pull from the one image repository, its own job logs, and pass-role to itself only,
/// for SageMaker only. It does not read the feature store: the workflow resolves the labels before the pipeline.
/// </summary>
public sealed partial class TrainingPipelineRole : Construct
{
    public TrainingPipelineRole(Construct scope, string id, TrainingPipelineRoleProps props)
        : base(scope, id)
    {
        var stack = Stack.Of(this);
        var repositoryArn = ImageRepositoryArn(props.ContainerImageUri, stack.Partition);
        Role = new Role(this, "Resource", new RoleProps
        {
            AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com"),
            Description = $"Runs the {props.PipelineName} SageMaker pipeline and its jobs",
        });

        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassOnlyItselfToSageMaker",
            Actions = ["iam:PassRole"],
            Resources = [Role.RoleArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "sagemaker.amazonaws.com" } },
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PipelineJobs",
            Actions =
            [
                "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
                "sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob",
                "sagemaker:AddTags",
            ],
            Resources =
            [
                stack.FormatArn(new ArnComponents { Service = "sagemaker", Resource = "training-job", ResourceName = "pipelines-*" }),
                stack.FormatArn(new ArnComponents { Service = "sagemaker", Resource = "processing-job", ResourceName = "pipelines-*" }),
            ],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "RegisterModelInOwnGroup",
            Actions = ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
            Resources = [props.ModelPackageGroup.GroupArn, props.ModelPackageGroup.PackagesArn],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "InvokePrepareDataset",
            Actions = ["lambda:InvokeFunction"],
            Resources = [props.PrepareDatasetFunction.FunctionArn],
        }));

        props.Artifacts.GrantRead(Role, "datasets/*");
        props.Artifacts.GrantRead(Role, "pretrained/*");
        props.Artifacts.GrantReadWrite(Role, "models/*");
        props.Artifacts.GrantReadWrite(Role, "evaluations/*");
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadTrainingScripts",
            Actions = ["s3:GetObject"],
            Resources = [props.SourceDir.Bucket.ArnForObjects(props.SourceDir.S3ObjectKey)],
        }));
        if (props.ExternalWeightsUri is { } weightsUri && S3Uri.Parse(weightsUri) is var weights)
        {
            Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ReadPretrainedWeights",
                Actions = ["s3:GetObject"],
                Resources = [$"arn:{stack.Partition}:s3:::{weights.Bucket}/{weights.Key}"],
            }));
            var bucket = weights.Bucket;
            Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "ListPretrainedWeights",
                Actions = ["s3:ListBucket"],
                Resources = [$"arn:{stack.Partition}:s3:::{bucket}"],
            }));
        }

        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PullJobImage",
            Actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            Resources = [repositoryArn],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EcrLogin",
            Actions = ["ecr:GetAuthorizationToken"],
            // GetAuthorizationToken has no resource-level permission.
            Resources = ["*"],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "JobLogs",
            Actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resources =
            [
                stack.FormatArn(new ArnComponents { Service = "logs", Resource = "log-group", ResourceName = "/aws/sagemaker/TrainingJobs:*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME }),
                stack.FormatArn(new ArnComponents { Service = "logs", Resource = "log-group", ResourceName = "/aws/sagemaker/ProcessingJobs:*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME }),
            ],
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "JobMetrics",
            Actions = ["cloudwatch:PutMetricData"],
            // PutMetricData has no resource-level permission; the namespace condition scopes it.
            Resources = ["*"],
            Conditions = new Dictionary<string, object> { ["StringLike"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = "/aws/sagemaker/*" } },
        }));
    }

    public Role Role { get; }

    public string RoleArn => Role.RoleArn;

    /// <summary>arn:...:ecr:region:account:repository/name of an ECR image URI (tag or digest removed).</summary>
    public static string ImageRepositoryArn(string imageUri, string partition)
    {
        var match = ImageUriPattern().Match(imageUri);
        if (!match.Success)
        {
            throw new ArgumentException($"TrainingPipelineRoleProps.ContainerImageUri must be <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest], got '{imageUri}'");
        }

        return $"arn:{partition}:ecr:{match.Groups["region"].Value}:{match.Groups["account"].Value}:repository/{match.Groups["repository"].Value}";
    }

    [GeneratedRegex(@"^(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?<repository>[a-z0-9._/-]+?)(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImageUriPattern();
}
