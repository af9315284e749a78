using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;

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
        var request = ResolvedRegisterArguments(TrainingPipelineDefinition.Create(inputs));
        return new JsonObject
        {
            ["ModelPackageName"] = request["ModelPackageGroupName"]!.DeepClone(),
            ["ModelPackageGroupName"] = request["ModelPackageGroupName"]!.DeepClone(),
            ["ModelPackageVersion"] = 7,
            ["ModelPackageArn"] = ModelPackageArn,
            ["ModelPackageDescription"] = request["ModelPackageDescription"]!.DeepClone(),
            ["CreationTime"] = "2026-11-30T03:41:12.345Z",
            ["InferenceSpecification"] = request["InferenceSpecification"]!.DeepClone(),
            ["ModelPackageStatus"] = "Completed",
            ["ModelPackageStatusDetails"] = new JsonObject { ["ValidationStatuses"] = new JsonArray(), ["ImageScanStatuses"] = new JsonArray() },
            ["CertifyForMarketplace"] = false,
            // Registered as PendingManualApproval; the edge workflow starts when a reviewer approves it.
            ["ModelApprovalStatus"] = "Approved",
            ["ModelMetrics"] = request["ModelMetrics"]!.DeepClone(),
            ["CustomerMetadataProperties"] = request["CustomerMetadataProperties"]!.DeepClone(),
        };
    }

    /// <summary>The RegisterModel step's CreateModelPackage request, parsed from the written definition and resolved.</summary>
    private static JsonObject ResolvedRegisterArguments(PipelineDefinition definition)
    {
        var json = JsonNode.Parse(definition.ToJsonString())!;
        var register = json["Steps"]!.AsArray()
            .SelectMany(s => new[] { s! }.Concat(s!["Arguments"]!["IfSteps"]?.AsArray().Select(n => n!) ?? []))
            .Single(s => s["Type"]!.GetValue<string>() == "RegisterModel");
        return Resolve(json, register["Arguments"]!.AsObject());
    }

    /// <summary>
    /// Replaces each pipeline expression with the value SageMaker would substitute at run time: parameters take
    /// their defaults, step properties realistic results (a processing output's S3Uri is the one configured on the
    /// step, resolved in turn). An expression this does not know fails the test instead of passing unresolved.
    /// </summary>
    private static JsonObject Resolve(JsonNode definition, JsonObject arguments)
    {
        var parameters = definition["Parameters"]!.AsArray().ToDictionary(p => p!["Name"]!.GetValue<string>(), p => p!["DefaultValue"]!);
        var steps = definition["Steps"]!.AsArray().ToDictionary(s => s!["Name"]!.GetValue<string>(), s => s!);
        var evaluationReport = JsonNode.Parse("""{"metrics":{"map50":0.734,"map50_95":0.412,"precision":0.81,"recall":0.66}}""")!;
        var lambdaOutputs = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["DatasetUri"] = $"s3://artifacts-bucket/datasets/{ExecutionId}",
            ["SnapshotId"] = "9a8b7c6d5e4f3a2b",
            ["LabelCount"] = 385,
            ["ImageCount"] = 188,
        };

        JsonNode Value(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when o["Get"] is JsonValue get:
                    return Get(get.GetValue<string>());
                case JsonObject o when o["Std:Join"] is JsonObject join:
                    return string.Join(
                        join["On"]!.GetValue<string>(),
                        join["Values"]!.AsArray().Select(v => Text(Value(v))));
                case JsonObject o when o["Std:JsonGet"] is JsonObject jsonGet:
                    Assert.Equal("Steps.Evaluate.PropertyFiles.EvaluationReport", jsonGet["PropertyFile"]!["Get"]!.GetValue<string>());
                    return jsonGet["Path"]!.GetValue<string>().Split('.').Aggregate(evaluationReport, (n, part) => n[part]!).DeepClone();
                case JsonObject o:
                    return new JsonObject(o.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Value(m.Value))));
                case JsonArray a:
                    return new JsonArray(a.Select(v => (JsonNode?)Value(v)).ToArray());
                default:
                    return node!.DeepClone();
            }
        }

        JsonNode Get(string path)
        {
            if (path == "Execution.PipelineExecutionId")
            {
                return ExecutionId;
            }

            if (path.StartsWith("Parameters.", StringComparison.Ordinal))
            {
                return parameters[path["Parameters.".Length..]].DeepClone();
            }

            if (path == "Steps.Train.ModelArtifacts.S3ModelArtifacts")
            {
                return TrainingJobOutput;
            }

            if (LambdaOutputPattern().Match(path) is { Success: true } lambda && lambdaOutputs.TryGetValue(lambda.Groups["name"].Value, out var output))
            {
                return output.DeepClone();
            }

            if (ProcessingOutputPattern().Match(path) is { Success: true } processing)
            {
                var outputs = steps[processing.Groups["step"].Value]["Arguments"]!["ProcessingOutputConfig"]!["Outputs"]!.AsArray();
                var configured = outputs.Single(o => o!["OutputName"]!.GetValue<string>() == processing.Groups["output"].Value)!;
                return Value(configured["S3Output"]!["S3Uri"]);
            }

            throw new Xunit.Sdk.XunitException($"the contract test does not know what SageMaker substitutes for {path}");
        }

        return Value(arguments).AsObject();
    }

    private static string Text(JsonNode node) => node.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => node.GetValue<string>(),
        System.Text.Json.JsonValueKind.Number => node.ToJsonString(),
        var kind => throw new Xunit.Sdk.XunitException($"Std:Join of a {kind}"),
    };

    [GeneratedRegex(@"^Steps\.PrepareDataset\.OutputParameters\['(?<name>\w+)'\]$")]
    private static partial Regex LambdaOutputPattern();

    [GeneratedRegex(@"^Steps\.(?<step>\w+)\.ProcessingOutputConfig\.Outputs\['(?<output>\w+)'\]\.S3Output\.S3Uri$")]
    private static partial Regex ProcessingOutputPattern();

    // CustomerMetadataKey / CustomerMetadataValue and Url patterns of the SageMaker API model (service-2.json).
    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$")]
    private static partial Regex MetadataKeyPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$")]
    private static partial Regex MetadataValuePattern();

    [GeneratedRegex(@"^(https|s3)://([^/]+)/?(.*)$")]
    private static partial Regex ModelDataUrlPattern();
}
