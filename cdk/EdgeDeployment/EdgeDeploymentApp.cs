using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;

namespace EdgeMlOps.Cdk.EdgeDeployment;

/// <summary>The edge app: selected with <c>-c app=edge</c>.</summary>
public sealed class EdgeDeploymentApp : IEdgeMlOpsApp
{
    public string Name => "edge";

    public string PascalName => "EdgeDeployment";

    public Stage CreateStage(Construct scope, string id, AppStageProps props) => new EdgeDeploymentStage(scope, id, props);
}
