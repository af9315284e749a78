using System.Security.Cryptography;
using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.CodeBuild;
using Amazon.CDK.AWS.ECR;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record TrainingImageProps
{
    /// <summary>Repository root; the build context is <c>cdk/ModelTraining/image/Dockerfile</c> plus the scripts' requirements.txt. Required.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Name of the ECR repository. Required.</summary>
    public required string RepositoryName { get; init; }

    /// <summary>The image built on (the region's PyTorch Deep Learning Container), pulled by the build. Required.</summary>
    public required string BaseImageUri { get; init; }

    /// <summary>Tagged images kept in the repository; older ones expire. Default: 10.</summary>
    public int MaxImageCount { get; init; } = 10;
}

/// <summary>
/// The job image of the training pipeline, built in AWS because no Docker engine is assumed where the app is
/// synthesized: an ECR repository (scan on push, immutable tags, KMS-encrypted, lifecycle) and a CodeBuild project
/// that builds <c>image/Dockerfile</c> on the base image and pushes it as <see cref="ImageUri"/>, tagged with a
/// content hash of the Dockerfile, requirements.txt and the base image. The training workflow starts the build
/// when that tag is missing, so a changed requirement gets its image before the next training.
/// </summary>
public sealed class TrainingImage : Construct
{
    public const string DockerfilePath = "cdk/ModelTraining/image/Dockerfile";
    public const string RequirementsPath = SourceDirArchive.ScriptsDirectory + "/requirements.txt";

    public TrainingImage(Construct scope, string id, TrainingImageProps props)
        : base(scope, id)
    {
        if (props.MaxImageCount is < 1 or > 1000)
        {
            throw new ArgumentException($"TrainingImageProps.MaxImageCount must be 1 to 1000, got {props.MaxImageCount}");
        }

        var stack = Stack.Of(this);
        var baseRepositoryArn = TrainingPipelineRole.ImageRepositoryArn(props.BaseImageUri, stack.Partition);
        var context = StageContext(props.RepositoryRoot);
        Tag = ContentTag(File.ReadAllBytes(Path.Combine(context, "Dockerfile")), File.ReadAllBytes(Path.Combine(context, "requirements.txt")), props.BaseImageUri);
        RepositoryName = props.RepositoryName;

        Repository = new Repository(this, "Repository", new RepositoryProps
        {
            RepositoryName = props.RepositoryName,
            ImageScanOnPush = true,
            // Tags are content hashes: an existing tag must never point at other content.
            ImageTagMutability = TagMutability.IMMUTABLE,
            // The AWS managed key aws/ecr: a customer managed key would need a key policy for ECR's grants and
            // adds no control here, where only this app's build pushes and its jobs pull.
            Encryption = RepositoryEncryption.KMS,
            RemovalPolicy = RemovalPolicy.RETAIN,
            LifecycleRules =
            [
                new LifecycleRule { Description = "Untagged layers of interrupted pushes", TagStatus = TagStatus.UNTAGGED, MaxImageAge = Duration.Days(1), RulePriority = 1 },
                new LifecycleRule { Description = $"Keep the {props.MaxImageCount} newest images", TagStatus = TagStatus.ANY, MaxImageCount = props.MaxImageCount, RulePriority = 2 },
            ],
        });

        // A literal URI (account and region of the stage), so the pipeline definition and the role read it as-is.
        ImageUri = $"{stack.Account}.dkr.ecr.{stack.Region}.amazonaws.com/{props.RepositoryName}:{Tag}";

        var source = new Asset(this, "Context", new AssetProps { Path = context });
        var logs = new BuildLogs(this, "Logs");
        Project = new Project(this, "Build", new ProjectProps
        {
            Description = $"Builds the training job image {props.RepositoryName}:{Tag} (started by the training workflow when the tag is missing)",
            Source = Source.S3(new S3SourceProps { Bucket = source.Bucket, Path = source.S3ObjectKey }),
            Environment = new BuildEnvironment
            {
                BuildImage = LinuxBuildImage.STANDARD_7_0,
                // The PyTorch base image is several GB; a medium instance has the disk and memory for it.
                ComputeType = ComputeType.MEDIUM,
                Privileged = true,
            },
            EnvironmentVariables = new Dictionary<string, IBuildEnvironmentVariable>
            {
                ["BASE_IMAGE"] = new BuildEnvironmentVariable { Value = props.BaseImageUri },
                ["IMAGE_URI"] = new BuildEnvironmentVariable { Value = ImageUri },
                ["IMAGE_TAG"] = new BuildEnvironmentVariable { Value = Tag },
                ["REPOSITORY_NAME"] = new BuildEnvironmentVariable { Value = props.RepositoryName },
            },
            BuildSpec = BuildSpec.FromObject(new Dictionary<string, object>
            {
                ["version"] = "0.2",
                ["phases"] = new Dictionary<string, object>
                {
                    ["pre_build"] = new Dictionary<string, object>
                    {
                        ["commands"] = new[]
                        {
                            "aws ecr get-login-password | docker login --username AWS --password-stdin \"${BASE_IMAGE%%/*}\"",
                            "aws ecr get-login-password | docker login --username AWS --password-stdin \"${IMAGE_URI%%/*}\"",
                        },
                    },
                    ["build"] = new Dictionary<string, object>
                    {
                        ["commands"] = new[]
                        {
                            // Tags are immutable: a second build of the same content (two workflows racing) skips the push.
                            "if aws ecr describe-images --repository-name \"$REPOSITORY_NAME\" --image-ids imageTag=\"$IMAGE_TAG\" > /dev/null 2>&1; then echo \"$IMAGE_URI exists\"; else docker build --pull --build-arg BASE_IMAGE=\"$BASE_IMAGE\" -t \"$IMAGE_URI\" . && docker push \"$IMAGE_URI\"; fi",
                        },
                    },
                },
            }),
            Logging = new LoggingOptions { CloudWatch = new CloudWatchLoggingOptions { LogGroup = logs.LogGroup } },
            Timeout = Duration.Minutes(60),
        });
        GuardSuppressions.Add(Project, "codebuild_project_environment_privileged_check",
            "docker build needs the Docker daemon, which CodeBuild only runs in privileged mode. This project only builds the training job image from the repository's Dockerfile; it is not the synth step, has no source credentials and may push to this one repository only.");

        Project.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EcrLogin",
            Actions = ["ecr:GetAuthorizationToken"],
            // GetAuthorizationToken has no resource-level permission.
            Resources = ["*"],
        }));
        Project.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PushTrainingImage",
            Actions =
            [
                "ecr:DescribeImages", "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
            ],
            Resources = [Repository.RepositoryArn],
        }));
        Project.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PullBaseImage",
            Actions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resources = [baseRepositoryArn],
        }));
    }

    public Repository Repository { get; }

    public string RepositoryName { get; }

    public Project Project { get; }

    /// <summary>Content hash tag: 16 hex digits of SHA-256 over the base image, the Dockerfile and requirements.txt.</summary>
    public string Tag { get; }

    /// <summary>The image the pipeline's jobs run: <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com/&lt;repository&gt;:&lt;tag&gt;</c>.</summary>
    public string ImageUri { get; }

    public static string ContentTag(byte[] dockerfile, byte[] requirements, string baseImageUri)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Length-prefixed parts, so moving bytes from one file to the other changes the hash.
        foreach (var part in new[] { Encoding.UTF8.GetBytes(baseImageUri), dockerfile, requirements })
        {
            hash.AppendData(BitConverter.GetBytes((long)part.Length));
            hash.AppendData(part);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>Copies the Dockerfile and requirements.txt into <c>.build/training-image/</c>, the build context.</summary>
    private static string StageContext(string repositoryRoot)
    {
        var context = Path.Combine(repositoryRoot, ".build", "training-image");
        Directory.CreateDirectory(context);
        foreach (var (from, name) in new[] { (DockerfilePath, "Dockerfile"), (RequirementsPath, "requirements.txt") })
        {
            var source = Path.Combine(repositoryRoot, from);
            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"The training image needs {from}", source);
            }

            var target = Path.Combine(context, name);
            var bytes = File.ReadAllBytes(source);
            if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(bytes))
            {
                File.WriteAllBytes(target, bytes);
            }
        }

        return context;
    }
}
