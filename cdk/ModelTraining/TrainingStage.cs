using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>All workload stacks of the training app. PLACEHOLDER until the training issue lands.</summary>
public sealed class TrainingStage : Stage
{
    public TrainingStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        var stack = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{props.Settings.ResourcePrefix}-training",
            Description = "EdgeMlOpsInfra training app",
        });
        _ = new NotificationTopic(stack, "Notifications", new NotificationTopicProps
        {
            DisplayName = "EdgeMlOps training",
            Emails = props.Settings.Notifications.Emails,
        });
    }
}
