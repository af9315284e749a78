using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

/// <summary>Every training setting changes the synthesized stage (a second synth with other values).</summary>
public sealed class ConfiguredStageTests : IDisposable
{
    private const string Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/yolo-train:1.2.3";
    private const string Weights = "s3://shared-models/yolo/yolov8s.pt";
    private readonly string _outdir = Directory.CreateTempSubdirectory("training-configured-").FullName;
    private readonly JsonNode _template;
    private readonly JsonNode _definition;

    public ConfiguredStageTests()
    {
        var dev = Cdk.Shared.Configuration.SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev");
        var settings = dev with
        {
            Training = dev.Training with
            {
                Schedule = "rate(7 days)",
                MinNewLabelsToRetrain = 10,
                PollIntervalSeconds = 60,
                MaxWaitHours = 2,
                ContainerImageUri = Image,
                PretrainedWeightsUri = Weights,
                Epochs = 3,
            },
        };
        var stage = TrainingStageFixture.Synthesize(settings, _outdir);
        _template = JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stage.Workload).ToJSON()))!;
        _definition = JsonNode.Parse(File.ReadAllText(stage.Pipeline.DefinitionFile!))!;
    }

    [Fact]
    public void Settings_reach_the_rules_the_workflow_the_pipeline_and_the_role()
    {
        var resources = _template["Resources"]!.AsObject().Select(r => r.Value!).ToList();
        var rules = resources.Where(r => r["Type"]!.GetValue<string>() == "AWS::Events::Rule").Select(r => r["Properties"]!).ToList();
        Assert.Contains(rules, r => r["ScheduleExpression"]?.GetValue<string>() == "rate(7 days)");
        Assert.Contains(rules, r => r["EventPattern"]?["detail"]?["newLabelCount"]?[0]?["numeric"]?[1]?.GetValue<int>() == 0);

        var substitutions = resources.Single(r => r["Type"]!.GetValue<string>() == "AWS::StepFunctions::StateMachine")["Properties"]!["DefinitionSubstitutions"]!;
        Assert.Equal("10", substitutions["MinNewLabelsToRetrain"]!.GetValue<string>());
        Assert.Equal("60", substitutions["PollIntervalSeconds"]!.GetValue<string>());
        Assert.Equal("120", substitutions["MaxPolls"]!.GetValue<string>());

        var train = _definition["Steps"]![1]!["Arguments"]!;
        Assert.Equal(Image, train["AlgorithmSpecification"]!["TrainingImage"]!.GetValue<string>());
        Assert.Equal(7200, train["StoppingCondition"]!["MaxRuntimeInSeconds"]!.GetValue<int>());
        Assert.Equal("\"yolov8s.pt\"", train["HyperParameters"]!["weights-file"]!.GetValue<string>());
        var defaults = _definition["Parameters"]!.AsArray().ToDictionary(p => p!["Name"]!.GetValue<string>(), p => p!["DefaultValue"]!.ToJsonString());
        Assert.Equal($"\"{Weights}\"", defaults["PretrainedWeightsUri"]);
        Assert.Equal("3", defaults["Epochs"]);

        // The configured image is used as it is: the workflow does not build the app's own image.
        Assert.Equal("false", substitutions["BuildTrainingImage"]!.GetValue<string>());
        Assert.Equal(Image, _definition["Steps"]![2]!["Arguments"]!["AppSpecification"]!["ImageUri"]!.GetValue<string>());

        var policies = resources.Where(r => r["Type"]!.GetValue<string>() == "AWS::IAM::Policy").Select(r => r.ToJsonString()).ToList();
        var pipelinePolicy = Assert.Single(policies, p => p.Contains("sagemaker:CreateTrainingJob", StringComparison.Ordinal));
        Assert.Contains(":ecr:eu-west-1:123456789012:repository/yolo-train", pipelinePolicy, StringComparison.Ordinal);
        Assert.Contains(":s3:::shared-models/yolo/yolov8s.pt", pipelinePolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("pytorch-training", pipelinePolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("edgemlops-dev-training", pipelinePolicy, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_outdir, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }
}
