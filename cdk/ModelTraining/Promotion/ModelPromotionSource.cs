using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.ModelTraining.Promotion;

/// <summary>
/// Names of the training resources of one stage of a staged environment, derived as the stage itself derives them,
/// so another account can name them in its policies without reading that stage's CloudFormation exports.
/// </summary>
/// <param name="Target">The stage.</param>
/// <param name="ResourcePrefix"><c>&lt;namePrefix&gt;-&lt;env&gt;-&lt;stage&gt;</c> of the stage.</param>
public sealed record ModelPromotionSource(DeploymentTarget Target, string ResourcePrefix)
{
    /// <summary>The stage's model package group (<see cref="TrainingStage"/>).</summary>
    public string ModelPackageGroupName => TrainingStage.ModelPackageGroupNameOf(ResourcePrefix);

    /// <summary>The stage's training artifacts bucket, named in staged environments (<see cref="TrainingStage"/>).</summary>
    public string ArtifactsBucketName => TrainingStage.StagedArtifactsBucketNameOf(ResourcePrefix, Target.Account);

    /// <summary>The stage's edge deployment workflow (named by the edge app as <c>&lt;prefix&gt;-edge-deployment</c>).</summary>
    public string EdgeStateMachineArn => $"arn:{Amazon.CDK.Aws.PARTITION}:states:{Target.Region}:{Target.Account}:stateMachine:{ResourcePrefix}-edge-deployment";

    /// <summary>The stage's default event bus, where promotion events are forwarded to.</summary>
    public string DefaultEventBusArn => $"arn:{Amazon.CDK.Aws.PARTITION}:events:{Target.Region}:{Target.Account}:event-bus/default";

    /// <summary>The stage <paramref name="target"/> of the staged environment <paramref name="settings"/> belongs to.</summary>
    public static ModelPromotionSource Of(AppSettings settings, DeploymentTarget target) => new(target, settings.ResourcePrefixOf(target));
}
