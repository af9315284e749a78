using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>The training app: selected with <c>-c app=training</c>.</summary>
public sealed class TrainingApp : IEdgeMlOpsApp
{
    public string Name => "training";

    public string PascalName => "Training";

    public Stage CreateStage(Construct scope, string id, AppStageProps props) => new TrainingStage(scope, id, props);
}
