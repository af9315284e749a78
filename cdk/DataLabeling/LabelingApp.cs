using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>The labeling app: selected with <c>-c app=labeling</c>.</summary>
public sealed class LabelingApp : IEdgeMlOpsApp
{
    public string Name => "labeling";

    public string PascalName => "Labeling";

    public Stage CreateStage(Construct scope, string id, AppStageProps props) => new LabelingStage(scope, id, props);
}
