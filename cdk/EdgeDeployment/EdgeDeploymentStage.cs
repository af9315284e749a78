using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment;

/// <summary>All workload stacks of the edge app. PLACEHOLDER until the edge issue lands.</summary>
public sealed class EdgeDeploymentStage : Stage
{
    public EdgeDeploymentStage(Construct scope, string id, AppStageProps props)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        var stack = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{props.Settings.ResourcePrefix}-edge",
            Description = "EdgeMlOpsInfra edge app",
        });
        _ = new NotificationTopic(stack, "Notifications", new NotificationTopicProps
        {
            DisplayName = "EdgeMlOps edge",
            Emails = props.Settings.Notifications.Emails,
        });
    }
}
