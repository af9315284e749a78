using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;
using EdgeMlOps.Testing.SageMaker;

namespace EdgeMlOps.ModelTraining.Tests.Contract;

/// <summary>
/// The training → edge contract, end to end: the RegisterModel arguments the C# pipeline builder writes become the
/// DescribeModelPackage result SageMaker would return (PascalCase, as Step Functions hands it to the edge
/// workflow), with realistic values in place of the pipeline's property references, and the edge deployment's own
/// planner must accept it.
/// </summary>
public sealed partial class TrainingToEdgeContractTests
{
    private const string ExecutionId = "k3h9x2m7q1zt";
    private const string TrainingJobOutput = "s3://artifacts-bucket/models/pipelines-k3h9x2m7q1zt-Train-Xy12AbCdEf/output/model.tar.gz";
    private const string ModelPackageArn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/edgemlops-dev-models/7";

    private static readonly string[] ClassNames = ["scratch", "dent", "rust spot"];

    [Fact]
    public void Planner_accepts_the_package_the_pipeline_registers_with_its_onnx_file_image_size_and_class_names()
    {
        var package = DescribeRegisteredPackage(TestSettings.PipelineInputs(classNames: ClassNames));

        var decision = ModelReleasePlanner.Plan(new RenderModelRecipeRequest(package, "com.edgemlops.Model", "edge-artifacts"));

        Assert.True(decision.Valid, string.Join("; ", decision.Problems));
        var release = decision.Release!;
        Assert.Equal($"artifacts-bucket/models/onnx/{ExecutionId}/model.onnx", release.CopySource);
        Assert.Equal(TestSettings.Dev.Training.ImageSize, release.ImageSize);
        Assert.Equal(ClassNames, release.ClassNames);
        Assert.Equal(7, release.ModelPackageVersion);
        Assert.Equal("s3://edge-artifacts/models/edgemlops-dev-models/7/model.onnx", release.ArtifactUri);
    }

    [Fact]
    public void Planner_reads_the_image_size_the_pipeline_ran_with_not_a_fixed_one()
    {
        var training = TestSettings.Dev.Training with { ImageSize = 416 };
        var package = DescribeRegisteredPackage(TestSettings.PipelineInputs(training, ClassNames));

        var decision = ModelReleasePlanner.Plan(new RenderModelRecipeRequest(package, "com.edgemlops.Model", "edge-artifacts"));

        Assert.Equal(416, decision.Release!.ImageSize);
    }

    [Fact]
    public void Registered_request_satisfies_the_CreateModelPackage_constraints_SageMaker_enforces()
    {
        var arguments = ResolvedRegisterArguments(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(classNames: ClassNames)));

        var metadata = arguments["CustomerMetadataProperties"]!.AsObject();
        Assert.InRange(metadata.Count, 1, 50);
        foreach (var (key, value) in metadata)
        {
            Assert.Matches(MetadataKeyPattern(), key);
            var text = value!.GetValue<string>();
            Assert.InRange(text.Length, 1, 256);
            Assert.True(MetadataValuePattern().IsMatch(text), $"metadata {key} = '{text}' does not match SageMaker's CustomerMetadataValue pattern");
        }

        var container = arguments["InferenceSpecification"]!["Containers"]![0]!;
        Assert.Matches(ModelDataUrlPattern(), container["ModelDataUrl"]!.GetValue<string>());
        Assert.EndsWith(".tar.gz", container["ModelDataUrl"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_and_pipeline_use_the_same_metadata_keys()
    {
        var metadata = ResolvedRegisterArguments(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs()))["CustomerMetadataProperties"]!.AsObject();

        Assert.Contains(ModelReleasePlanner.ImageSizeKey, metadata.Select(m => m.Key));
        Assert.Contains(ModelReleasePlanner.ClassNamesKey, metadata.Select(m => m.Key));
        Assert.Contains(ModelReleasePlanner.OnnxModelUriKey, metadata.Select(m => m.Key));
    }

    /// <summary>What DescribeModelPackage returns for the registered version once a reviewer approved it.</summary>
    private static JsonObject DescribeRegisteredPackage(TrainingPipelineInputs inputs)
    {
        var package = Execution(TrainingPipelineDefinition.Create(inputs)).RegisteredModelPackage(ModelPackageArn, 7, DateTimeOffset.Parse("2026-11-30T03:41:12.345Z", System.Globalization.CultureInfo.InvariantCulture));
        package["ModelPackageName"] = package["ModelPackageGroupName"]!.DeepClone();
        return package;
    }

    /// <summary>The RegisterModel step's CreateModelPackage request, parsed from the written definition and resolved.</summary>
    private static JsonObject ResolvedRegisterArguments(PipelineDefinition definition)
    {
        var execution = Execution(definition);
        return execution.Resolve(execution.StepOfType("RegisterModel")["Arguments"]).AsObject();
    }

    /// <summary>
    /// One execution of the definition: parameters take their defaults, step properties realistic results (a
    /// processing output's S3Uri is the one configured on the step); an expression without a value fails the test.
    /// </summary>
    private static PipelineExecution Execution(PipelineDefinition definition) => new(definition.ToJsonString(), new PipelineRunValues
    {
        ExecutionId = ExecutionId,
        StepProperties = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["Steps.Train.ModelArtifacts.S3ModelArtifacts"] = TrainingJobOutput,
            ["Steps.PrepareDataset.OutputParameters['DatasetUri']"] = $"s3://artifacts-bucket/datasets/{ExecutionId}",
            ["Steps.PrepareDataset.OutputParameters['SnapshotId']"] = "9a8b7c6d5e4f3a2b",
            ["Steps.PrepareDataset.OutputParameters['LabelingJobs']"] = "edgemlops-dev-20261203-label edgemlops-dev-20261201-label",
            ["Steps.PrepareDataset.OutputParameters['LabelCount']"] = 385,
            ["Steps.PrepareDataset.OutputParameters['ImageCount']"] = 188,
        },
        PropertyFiles = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["Steps.Evaluate.PropertyFiles.EvaluationReport"] = JsonNode.Parse("""{"metrics":{"map50":0.734,"map50_95":0.412,"precision":0.81,"recall":0.66}}""")!,
        },
    });

    // CustomerMetadataKey / CustomerMetadataValue and Url patterns of the SageMaker API model (service-2.json).
    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$")]
    private static partial Regex MetadataKeyPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$")]
    private static partial Regex MetadataValuePattern();

    [GeneratedRegex(@"^(https|s3)://([^/]+)/?(.*)$")]
    private static partial Regex ModelDataUrlPattern();
}
