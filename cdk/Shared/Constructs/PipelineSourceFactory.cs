using Amazon.CDK.AWS.CodeCommit;
using Amazon.CDK.AWS.CodePipeline;
using Amazon.CDK.AWS.CodePipeline.Actions;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.Pipelines;
using Constructs;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Turns <see cref="SourceRepositorySettings"/> into pipeline sources. Asset pipelines start on a commit;
/// workflow pipelines never do (a commit must not start paid labeling, GPU training or a fleet rollout).
/// </summary>
public static class PipelineSourceFactory
{
    /// <summary>A CDK Pipelines source that triggers on every commit to the configured branch.</summary>
    public static CodePipelineSource ForAssetPipeline(Construct scope, SourceRepositorySettings source) => source.Kind switch
    {
        SourceRepositoryKind.CodeConnections => CodePipelineSource.Connection(source.Repository!, source.Branch, new ConnectionSourceOptions
        {
            ConnectionArn = source.ConnectionArn!,
            TriggerOnPush = true,
        }),
        SourceRepositoryKind.CodeCommit => CodePipelineSource.CodeCommit(
            Repository.FromRepositoryName(scope, "SourceRepository", source.Repository!),
            source.Branch,
            new CodeCommitSourceOptions { Trigger = CodeCommitTrigger.EVENTS }),
        SourceRepositoryKind.S3 => CodePipelineSource.S3(
            Bucket.FromBucketName(scope, "SourceBucket", source.BucketName!),
            source.ObjectKey!,
            new S3SourceOptions { Trigger = S3Trigger.POLL }),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source.Kind, "Unknown source kind"),
    };

    /// <summary>A CodePipeline source action that never starts the pipeline by itself.</summary>
    public static Amazon.CDK.AWS.CodePipeline.IAction ForWorkflowPipeline(Construct scope, SourceRepositorySettings source, Amazon.CDK.AWS.CodePipeline.Artifact_ output) => source.Kind switch
    {
        SourceRepositoryKind.CodeConnections => new CodeStarConnectionsSourceAction(new CodeStarConnectionsSourceActionProps
        {
            ActionName = "Source",
            ConnectionArn = source.ConnectionArn!,
            Owner = source.Repository!.Split('/')[0],
            Repo = source.Repository!.Split('/')[1],
            Branch = source.Branch,
            Output = output,
            TriggerOnPush = false,
        }),
        SourceRepositoryKind.CodeCommit => new CodeCommitSourceAction(new CodeCommitSourceActionProps
        {
            ActionName = "Source",
            Repository = Repository.FromRepositoryName(scope, "WorkflowSourceRepository", source.Repository!),
            Branch = source.Branch,
            Output = output,
            Trigger = CodeCommitTrigger.NONE,
        }),
        SourceRepositoryKind.S3 => new S3SourceAction(new S3SourceActionProps
        {
            ActionName = "Source",
            Bucket = Bucket.FromBucketName(scope, "WorkflowSourceBucket", source.BucketName!),
            BucketKey = source.ObjectKey!,
            Output = output,
            Trigger = S3Trigger.NONE,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source.Kind, "Unknown source kind"),
    };
}
