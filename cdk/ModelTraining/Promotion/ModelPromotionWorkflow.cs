using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.ModelTraining.Promotion;

public sealed record ModelPromotionWorkflowProps
{
    /// <summary>The stage before this one, whose packages are promoted into this stage. Required.</summary>
    public required ModelPromotionSource Source { get; init; }

    /// <summary>Name of this stage, as notifications show it. Required.</summary>
    public required string StageName { get; init; }

    /// <summary>
    /// True when a person must approve each promotion (production); the request e-mail carries the evidence.
    /// Default: false (pre-production takes every model approved in dev).
    /// </summary>
    public bool RequiresPersonApproval { get; init; }

    /// <summary>This stage's model package group, where promoted copies are registered. Required.</summary>
    public required ModelPackageGroup ModelPackageGroup { get; init; }

    /// <summary>This stage's training artifacts bucket, where promoted artifacts are copied (<c>promoted/</c>). Required.</summary>
    public required SecureBucket Artifacts { get; init; }

    /// <summary>
    /// This stage's training image, which the promoted package names for SageMaker hosting instead of the source
    /// account's (the edge never runs it; built from the same Dockerfile, so the same content tag). Required.
    /// </summary>
    public required string ContainerImageUri { get; init; }

    /// <summary>The stage's notification topic (requests, refusals, promotions). Required.</summary>
    public required NotificationTopic Topic { get; init; }

    /// <summary>Whether Lambda projects are published. Required.</summary>
    public required BuildOptions Build { get; init; }
}

/// <summary>
/// The model promotion into one stage (<c>statemachines/model-promotion.asl.json</c>): started by the previous
/// stage's forwarded events, it checks the package and the SHA-256 of its artifact, asks a person when configured,
/// copies the artifact into this account, checks the copy's digest and registers it approved (with its lineage) in
/// this stage's group, whose approval starts this stage's edge workflow. The default event bus accepts events from
/// the previous stage's account only.
/// </summary>
public sealed class ModelPromotionWorkflow : Construct
{
    public const string DefinitionFile = "statemachines/model-promotion.asl.json";

    /// <summary>Where promoted artifacts are copied in the artifacts bucket (<see cref="EdgeMlOps.Contracts.PromotedArtifactLayout"/>).</summary>
    public const string PromotedPrefix = EdgeMlOps.Contracts.PromotedArtifactLayout.Prefix;

    public ModelPromotionWorkflow(Construct scope, string id, ModelPromotionWorkflowProps props)
        : base(scope, id)
    {
        var stack = Stack.Of(this);
        var source = props.Source;
        var sourceObjects = $"arn:{Aws.PARTITION}:s3:::{source.ArtifactsBucketName}/*";
        var sourceKeys = $"arn:{Aws.PARTITION}:kms:{source.Target.Region}:{source.Target.Account}:key/*";
        var sourcePackages = $"arn:{Aws.PARTITION}:sagemaker:{source.Target.Region}:{source.Target.Account}:model-package/{source.ModelPackageGroupName.ToLowerInvariant()}/*";
        var promotedObjects = props.Artifacts.Bucket.ArnForObjects(PromotedPrefix + "*");

        CheckArtifact = new DotnetFunction(this, "CheckPromotedArtifact", new DotnetFunctionProps
        {
            ProjectDirectory = "lambdas/CheckPromotedArtifact",
            Handler = "CheckPromotedArtifact::EdgeMlOps.EdgeDeployment.CheckPromotedArtifact.Function::Handle",
            Build = props.Build,
            Description = "Model promotion: SHA-256 of a model artifact against the digest its package vouches for",
            Timeout = Duration.Minutes(2),
            MemorySize = 512,
        });
        CheckArtifact.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["s3:GetObject"], Resources = [sourceObjects, promotedObjects] }));
        CheckArtifact.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kms:Decrypt"],
            Resources = [sourceKeys, props.Artifacts.Key.KeyArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["kms:ViaService"] = $"s3.{stack.Region}.amazonaws.com" } },
        }));

        StateMachine = new AslStateMachine(this, "StateMachine", new AslStateMachineProps
        {
            DefinitionFile = DefinitionFile,
            Build = props.Build,
            StateMachineName = $"{props.StageName}-model-promotion",
            Timeout = Duration.Days(8),
            Substitutions = new Dictionary<string, string>
            {
                ["StageName"] = props.StageName,
                ["SourceAccount"] = source.Target.Account,
                ["SourceRegion"] = source.Target.Region,
                ["Region"] = stack.Region,
                ["ContainerImageUri"] = props.ContainerImageUri,
                ["RequiresPersonApproval"] = props.RequiresPersonApproval ? "true" : "false",
                ["CheckPromotedArtifactFunctionArn"] = CheckArtifact.FunctionArn,
                ["ArtifactsBucketName"] = props.Artifacts.BucketName,
                ["ModelPackageGroupName"] = props.ModelPackageGroup.GroupName,
                ["NotificationsTopicArn"] = props.Topic.TopicArn,
            },
            TaskPermissions =
            [
                Allow(["sagemaker:DescribeModelPackage"], [sourcePackages]),
                Allow(["lambda:InvokeFunction"], [CheckArtifact.FunctionArn]),
                Allow(["sns:Publish"], [props.Topic.TopicArn]),
                Allow(["s3:GetObject"], [sourceObjects]),
                Allow(["s3:PutObject"], [promotedObjects]),
                Allow(["sagemaker:CreateModelPackage"], [props.ModelPackageGroup.GroupArn, props.ModelPackageGroup.PackagesArn]),
            ],
            SupportingPermissions =
            [
                new(["kms:GenerateDataKey", "kms:Decrypt"], [props.Topic.Key.KeyArn], "sns:Publish to the KMS-encrypted notification topic encrypts with its key."),
                new(["kms:Decrypt"], [sourceKeys], "s3:CopyObject reads the source artifact, encrypted with the source stage's bucket key (its key policy allows this account through S3)."),
                new(["kms:GenerateDataKey", "kms:Encrypt"], [props.Artifacts.Key.KeyArn], "s3:CopyObject writes the promoted artifact, encrypted with this stage's bucket key."),
            ],
        });

        // The previous stage's account may put events on this account's default bus; the rule takes only its own.
        BusPolicy = new CfnEventBusPolicy(this, "AcceptPromotionEvents", new CfnEventBusPolicyProps
        {
            EventBusName = "default",
            StatementId = $"{props.StageName}-promotion-from-{source.Target.Account}",
            Statement = new Dictionary<string, object>
            {
                ["Sid"] = $"{props.StageName}-promotion-from-{source.Target.Account}",
                ["Effect"] = "Allow",
                ["Principal"] = new Dictionary<string, object> { ["AWS"] = $"arn:{Aws.PARTITION}:iam::{source.Target.Account}:root" },
                ["Action"] = "events:PutEvents",
                ["Resource"] = $"arn:{Aws.PARTITION}:events:{stack.Region}:{stack.Account}:event-bus/default",
            },
        });

        Trigger = new Rule(this, "Trigger", new RuleProps
        {
            Description = props.RequiresPersonApproval
                ? $"Asks for the promotion of a release that passed pre-production ({source.Target.Account})"
                : $"Promotes a model package approved in {source.Target.Account}",
            EventPattern = props.RequiresPersonApproval ? ReleasePassedPattern(source) : ApprovedPattern(source),
            Targets =
            [
                new SfnStateMachine(StateMachine.StateMachine, new SfnStateMachineProps
                {
                    Input = props.RequiresPersonApproval
                        ? RuleTargetInput.FromObject(new Dictionary<string, object>
                        {
                            ["trigger"] = "pre-production-release",
                            ["evidence"] = new Dictionary<string, object>
                            {
                                ["executionArn"] = EventField.FromPath("$.detail.executionArn"),
                                ["output"] = EventField.FromPath("$.detail.output"),
                            },
                        })
                        : RuleTargetInput.FromObject(new Dictionary<string, object>
                        {
                            ["trigger"] = "model-approved",
                            ["modelPackageArn"] = EventField.FromPath("$.detail.ModelPackageArn"),
                        }),
                    RetryAttempts = 3,
                }),
            ],
        });
    }

    public DotnetFunction CheckArtifact { get; }

    public AslStateMachine StateMachine { get; }

    public CfnEventBusPolicy BusPolicy { get; }

    public Rule Trigger { get; }

    /// <summary>A package of <paramref name="source"/>'s group approved there (the event, forwarded from its account).</summary>
    public static EventPattern ApprovedPattern(ModelPromotionSource source) => new()
    {
        Source = ["aws.sagemaker"],
        DetailType = ["SageMaker Model Package State Change"],
        Account = [source.Target.Account],
        Detail = new Dictionary<string, object>
        {
            ["ModelPackageGroupName"] = new[] { source.ModelPackageGroupName },
            ["ModelApprovalStatus"] = new[] { "Approved" },
        },
    };

    /// <summary>An execution of <paramref name="source"/>'s edge workflow that succeeded (forwarded from its account).</summary>
    public static EventPattern ReleasePassedPattern(ModelPromotionSource source) => new()
    {
        Source = ["aws.states"],
        DetailType = ["Step Functions Execution Status Change"],
        Account = [source.Target.Account],
        Detail = new Dictionary<string, object>
        {
            ["stateMachineArn"] = new[] { source.EdgeStateMachineArn },
            ["status"] = new[] { "SUCCEEDED" },
        },
    };

    private static PolicyStatement Allow(string[] actions, string[] resources) =>
        new(new PolicyStatementProps { Actions = actions, Resources = resources });
}
