using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Lambdas;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Testing.Greengrass;
using EdgeMlOps.Testing.StateMachines;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>The <c>edge.inference</c> settings reach every device through the revised deployment's configuration merge.</summary>
[Collection(EdgeStageCollection.Name)]
public sealed class InferenceSettingsRolloutTests(EdgeStageFixture stage)
{
    [Fact]
    public async Task Every_rollout_merges_the_configured_inference_settings_beside_the_capture_target()
    {
        var machine = LocalStateMachine.FromTemplate(stage.TemplateJson);
        var canary = machine.Definition["States"]!["TargetTheCanaryGroup"]!["Result"]!["thingGroupArn"]!.GetValue<string>();
        var fleet = machine.Definition["States"]!["TargetTheFleetGroup"]!["Result"]!["thingGroupArn"]!.GetValue<string>();
        var fake = new FakeEdgeControlPlane(machine.Definition);
        var package = ModelReleasePlannerTests.Package(modelDataUrl: "s3://edgemlops-dev-training-artifacts/runs/4/model.onnx", version: 4);
        fake.Registry.Add(package);
        fake.Groups[canary] = ["canary-01"];
        fake.Groups[fleet] = ["press-01"];

        var result = await machine.RunAsync(
            new JsonObject { ["modelPackageArn"] = package["ModelPackageArn"]!.DeepClone(), ["trigger"] = "model-package-approved" },
            fake.Register(new Scenario { Timeout = TimeSpan.FromMinutes(10) }));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var inference = stage.Settings.Edge.Inference;
        Assert.Equal(2, fake.Deployments.Count);
        foreach (var deployment in fake.Deployments)
        {
            var merge = JsonNode.Parse(deployment.Components[stage.Settings.Edge.InferenceComponentName]!["ConfigurationUpdate"]!["Merge"]!.GetValue<string>())!;
            Assert.Equal(inference.ConfidenceThreshold, merge["confidenceThreshold"]!.GetValue<double>());
            Assert.Equal(inference.IouThreshold, merge["iouThreshold"]!.GetValue<double>());
            Assert.Equal(inference.FrameIntervalMs, merge["frameIntervalMs"]!.GetValue<int>());
            Assert.Equal(inference.HealthIntervalSeconds, merge["healthIntervalSeconds"]!.GetValue<int>());
            Assert.NotNull(merge["capture"]?["prefix"]);
        }
    }
}
