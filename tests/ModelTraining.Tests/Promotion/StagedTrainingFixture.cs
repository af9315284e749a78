using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Promotion;

/// <summary>The training stage of each account of the shipped config/staged.yaml, synthesized once per test class.</summary>
public sealed class StagedTrainingFixture
{
    public StagedTrainingFixture()
    {
        Settings = SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "staged");
        var app = new App(new AppProps { Outdir = Directory.CreateTempSubdirectory("staged-training-").FullName });
        foreach (var target in Settings.Stages!.InOrder)
        {
            var stage = new TrainingStage(app, target.PascalName, new AppStageProps
            {
                Settings = Settings.ForStage(target),
                Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
            });
            Templates[target.Kind] = JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stage.Workload).ToJSON()))!.AsObject();
        }
    }

    public AppSettings Settings { get; }

    public Dictionary<DeploymentStageKind, JsonObject> Templates { get; } = [];

    public static IEnumerable<(string LogicalId, JsonObject Resource)> Resources(JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!.AsObject()));

    /// <summary>Logical id of the model promotion state machine of <paramref name="kind"/>.</summary>
    public string PromotionStateMachineId(DeploymentStageKind kind) =>
        Resources(Templates[kind], "AWS::StepFunctions::StateMachine")
            .Single(r => r.Resource["Properties"]!["StateMachineName"]!.GetValue<string>().EndsWith("-model-promotion", StringComparison.Ordinal)).LogicalId;
}
