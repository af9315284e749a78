using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>All workload stacks of the labeling app. PLACEHOLDER until the labeling issue lands.</summary>
public sealed class LabelingStage : Stage
{
    public LabelingStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        var stack = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{props.Settings.ResourcePrefix}-labeling",
            Description = "EdgeMlOpsInfra labeling app",
        });
        _ = new NotificationTopic(stack, "Notifications", new NotificationTopicProps
        {
            DisplayName = "EdgeMlOps labeling",
            Emails = props.Settings.Notifications.Emails,
        });
    }
}
