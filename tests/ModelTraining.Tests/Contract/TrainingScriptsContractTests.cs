using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Contracts.Training;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;

namespace EdgeMlOps.ModelTraining.Tests.Contract;

/// <summary>
/// The training → edge contract through the real scripts: train.py and evaluate.py run as processes with the
/// arguments the pipeline definition gives them (<see cref="TrainingScriptsRun"/>), then the files they wrote feed
/// the definition's own property-file paths (the registration gate), the RegisterModel step and the edge
/// deployment's planner.
/// </summary>
public sealed class TrainingScriptsContractTests(TrainingScriptsRun run) : IClassFixture<TrainingScriptsRun>
{
    private static readonly DateTimeOffset Registered = DateTimeOffset.Parse("2026-12-03T03:41:12Z", CultureInfo.InvariantCulture);

    private double Map50 => run.EvaluationReport["metrics"]!["map50"]!.GetValue<double>();

    [Fact]
    public void Evaluation_scores_the_published_onnx_file_at_the_device_thresholds()
    {
        var report = run.EvaluationReport;

        Assert.Equal("model.onnx", report["model"]!.GetValue<string>());
        Assert.Equal(TestSettings.Dev.Edge.Inference.ConfidenceThreshold, report["thresholds"]!["confidence"]!.GetValue<double>());
        Assert.Equal(TestSettings.Dev.Edge.Inference.IouThreshold, report["thresholds"]!["iou"]!.GetValue<double>());
        Assert.Equal(run.Prepared.TestImages, report["test_images"]!.GetValue<int>());
        Assert.InRange(Map50, 0.0, 1.0);
        Assert.True(File.Exists(Path.Combine(run.OutputFolder(TrainingPipelineDefinition.OnnxOutputName), "model.onnx")));
    }

    [Fact]
    public void Gate_reads_the_onnx_map50_and_fails_the_run_below_the_configured_threshold()
    {
        // The stand-in's constant detector finds some scratches, far fewer than the configured 0.5 requires.
        Assert.InRange(Map50, 0.001, TestSettings.Dev.Training.MapThreshold - 0.001);
        var execution = run.Execution();

        Assert.False(execution.ConditionHolds(TrainingPipelineDefinition.ConditionStepName));
        var message = execution.Resolve(execution.StepOfType("Fail")["Arguments"]!["ErrorMessage"]).GetValue<string>();
        Assert.Contains(run.EvaluationReport["metrics"]!["map50"]!.ToJsonString(), message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_registers_the_model_when_its_onnx_map50_reaches_the_threshold()
    {
        var execution = run.Execution(new Dictionary<string, JsonNode> { ["MapThreshold"] = Map50 });

        Assert.True(execution.ConditionHolds(TrainingPipelineDefinition.ConditionStepName));
        var metadata = execution.Resolve(execution.StepOfType("RegisterModel")["Arguments"]!["CustomerMetadataProperties"]);
        Assert.Equal(run.EvaluationReport["metrics"]!["map50"]!.ToJsonString(), metadata["map50"]!.GetValue<string>());
    }

    [Fact]
    public void Planner_deploys_the_evaluated_onnx_file_with_its_acceptance_set()
    {
        var package = run.Execution(new Dictionary<string, JsonNode> { ["MapThreshold"] = Map50 })
            .RegisteredModelPackage("arn:aws:sagemaker:eu-west-1:123456789012:model-package/edgemlops-dev-models/4", 4, Registered);

        var decision = ModelReleasePlanner.Plan(new RenderModelRecipeRequest(package, "com.edgemlops.Model", "edge-artifacts"));

        Assert.True(decision.Valid, string.Join("; ", decision.Problems));
        var release = decision.Release!;
        var onnxFolder = run.OutputFolder(TrainingPipelineDefinition.OnnxOutputName);
        var onnxPrefix = $"artifacts-bucket/models/onnx/{TrainingScriptsRun.ExecutionId}/";
        Assert.Equal(onnxPrefix + "model.onnx", release.CopySource);
        Assert.Equal(["scratch"], release.ClassNames);
        Assert.Equal($"s3://{onnxPrefix}{TrainingPipelineDefinition.AcceptanceSetFile}", release.AcceptanceSetUri);

        // The object at that URI is the file evaluate.py wrote beside model.onnx, and it names that model by hash.
        var acceptance = JsonNode.Parse(File.ReadAllText(Path.Combine(onnxFolder, TrainingPipelineDefinition.AcceptanceSetFile)))!;
        Assert.Equal(Sha256(Path.Combine(onnxFolder, "model.onnx")), acceptance["model"]!["sha256"]!.GetValue<string>());
        Assert.Equal(release.ImageSize, acceptance["model"]!["imageSize"]!.GetValue<int>());
        Assert.Equal(release.ClassNames, acceptance["model"]!["classNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Acceptance_set_holds_the_configured_number_of_test_images_with_labels_predictions_and_metrics()
    {
        var folder = Path.Combine(run.OutputFolder(TrainingPipelineDefinition.OnnxOutputName), "acceptance");
        var acceptance = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "acceptance.json")))!;

        var images = acceptance["images"]!.AsArray();
        Assert.Equal(TrainingPipelineDefinition.DefaultAcceptanceImages, images.Count);
        Assert.Equal(run.EvaluationReport["metrics"]!.ToJsonString(), acceptance["metrics"]!.ToJsonString());
        Assert.Equal(TestSettings.Dev.Edge.Inference.ConfidenceThreshold, acceptance["thresholds"]!["confidence"]!.GetValue<double>());
        var testImages = Directory.GetFiles(run.Local("/opt/ml/processing/input/dataset/images/test")).Select(Path.GetFileName).ToHashSet();
        foreach (var image in images)
        {
            var file = image!["file"]!.GetValue<string>();
            Assert.Contains(Path.GetFileName(file), testImages);
            Assert.Equal(image["sha256"]!.GetValue<string>(), Sha256(Path.Combine(folder, file)));
            Assert.All(image["predictions"]!.AsArray(), p => Assert.True(p!["confidence"]!.GetValue<double>() > 0.25));
        }

        Assert.Contains(images, i => i!["labels"]!.AsArray().Count > 0);
    }

    [Fact]
    public void Acceptance_set_evaluate_py_writes_reads_as_the_contract_type()
    {
        var folder = Path.Combine(run.OutputFolder(TrainingPipelineDefinition.OnnxOutputName), AcceptanceSet.FolderName);

        var set = AcceptanceSet.Parse(File.ReadAllText(Path.Combine(folder, AcceptanceSet.FileName)));

        Assert.Equal(TrainingPipelineDefinition.AcceptanceSetFile, $"{AcceptanceSet.FolderName}/{AcceptanceSet.FileName}");
        Assert.Equal(["scratch"], set.Model.ClassNames);
        Assert.Equal(TestSettings.Dev.Training.ImageSize, set.Model.ImageSize);
        Assert.Equal(run.EvaluationReport["metrics"]!["map50"]!.GetValue<double>(), set.Metrics.Map50);
        Assert.Contains(set.Images, i => i.Labels.Count == 0 || i.Predictions.Count > 0);
        Assert.All(set.Images, i => Assert.True(File.Exists(Path.Combine(folder, i.File))));
    }

    [Fact]
    public void Stand_in_ultralytics_is_not_in_the_scripts_archive_the_jobs_receive()
    {
        Assert.False(Directory.Exists(run.Local("/opt/ml/code/ultralytics")));
        Assert.False(Directory.Exists(run.Local("/opt/ml/code/tests")));
        Assert.True(File.Exists(run.Local("/opt/ml/code/train.py")));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
