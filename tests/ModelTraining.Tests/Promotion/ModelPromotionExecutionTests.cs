using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.ModelTraining.Tests.Dataset;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.ModelTraining.Tests.Promotion;

/// <summary>
/// The model promotion workflows of config/staged.yaml run by the strict harness: every SDK call answered by the
/// scenario, the digest Lambda for real against a local S3 holding both accounts' buckets.
/// </summary>
public sealed class ModelPromotionExecutionTests(StagedTrainingFixture stages, LocalS3Fixture s3)
    : IClassFixture<StagedTrainingFixture>, IClassFixture<LocalS3Fixture>, IAsyncLifetime
{
    private const string DevBucket = "edgemlops-staged-dev-training-222233334444";
    private const string PreProductionBucket = "edgemlops-staged-preprod-training-333344445555";
    private const string ProductionBucket = "edgemlops-staged-prod-training-444455556666";
    private const string DevPackage = "arn:aws:sagemaker:eu-west-1:222233334444:model-package/edgemlops-staged-dev-defect-detector/7";
    private const string PreProductionPackage = "arn:aws:sagemaker:eu-west-1:333344445555:model-package/edgemlops-staged-preprod-defect-detector/3";
    private const string ProductionPackage = "arn:aws:sagemaker:eu-west-1:444455556666:model-package/edgemlops-staged-prod-defect-detector/1";
    private const string PreProductionExecution = "arn:aws:states:eu-west-1:333344445555:execution:edgemlops-staged-preprod-edge-deployment:release-3";
    private const string DescribePackage = "arn:aws:states:::aws-sdk:sagemaker:describeModelPackage";
    private const string CreatePackage = "arn:aws:states:::aws-sdk:sagemaker:createModelPackage";
    private const string CopyObject = "arn:aws:states:::aws-sdk:s3:copyObject";
    private const string AskPerson = "arn:aws:states:::sns:publish.waitForTaskToken";
    private const string Publish = "arn:aws:states:::sns:publish";

    private static readonly byte[] s_model = Encoding.UTF8.GetBytes("onnx model that passed pre-production " + new string('x', 4096));
    private static readonly string s_sha = Convert.ToHexString(SHA256.HashData(s_model)).ToLowerInvariant();

    private readonly List<JsonNode> _registered = [];

    public async Task InitializeAsync()
    {
        // One local S3 for the class, one InitializeAsync per test: the buckets may exist already.
        using var client = s3.Server.CreateClient();
        var existing = (await client.ListBucketsAsync()).Buckets?.Select(b => b.BucketName).ToHashSet() ?? [];
        await s3.Server.CreateBucketsAsync([.. new[] { DevBucket, PreProductionBucket, ProductionBucket }.Where(b => !existing.Contains(b))]);
        await PutAsync(PreProductionBucket, $"promoted/{s_sha}/model.onnx", s_model);
        await PutAsync(ProductionBucket, "placeholder", [0]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Production_registers_exactly_the_artifact_that_passed_preproduction_after_a_person_approves()
    {
        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(PreProductionMetadata()));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var request = Assert.Single(result.InvocationsOf(AskPerson)).Parameters!["Message"]!.GetValue<string>();
        Assert.Contains(s_sha, request);
        Assert.Contains(PreProductionExecution, request);
        Assert.Contains("ReleaseDeployed", request);
        Assert.Contains("send-task-success", request);

        var registered = Assert.Single(_registered);
        var metadata = registered["CustomerMetadataProperties"]!;
        Assert.Equal("edgemlops-staged-prod-defect-detector", registered["ModelPackageGroupName"]!.GetValue<string>());
        Assert.Equal("Approved", registered["ModelApprovalStatus"]!.GetValue<string>());
        Assert.Equal(s_sha, metadata["onnxSha256"]!.GetValue<string>());
        Assert.Equal($"s3://{ProductionBucket}/promoted/{s_sha}/model.onnx", metadata["onnxModelUri"]!.GetValue<string>());
        Assert.Equal(PreProductionPackage, metadata["sourceModelPackageArn"]!.GetValue<string>());
        Assert.Equal("0.73", metadata["map50"]!.GetValue<string>());
        Assert.Equal(s_model, await GetAsync(ProductionBucket, $"promoted/{s_sha}/model.onnx"));
    }

    [Fact]
    public async Task Production_refuses_a_source_artifact_whose_digest_is_not_the_one_preproduction_ran()
    {
        var tampered = Encoding.UTF8.GetBytes("another model");
        await PutAsync(PreProductionBucket, "promoted/tampered/model.onnx", tampered);
        var metadata = PreProductionMetadata();
        metadata["onnxModelUri"] = $"s3://{PreProductionBucket}/promoted/tampered/model.onnx";

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(metadata));

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(result.InvocationsOf(AskPerson));
        Assert.Empty(result.InvocationsOf(CopyObject));
        Assert.Empty(_registered);
        Assert.Contains($"not the promoted {s_sha}", Refusal(result));
    }

    [Fact]
    public async Task Production_refuses_a_copy_whose_digest_differs_even_after_approval()
    {
        var scenario = Scenario(PreProductionMetadata(), copy: parameters =>
        {
            // The copy arrives changed (e.g. overwritten in between): its bytes are not the approved artifact.
            PutAsync(ProductionBucket, parameters!["Key"]!.GetValue<string>(), Encoding.UTF8.GetBytes("changed on the way")).GetAwaiter().GetResult();
            return JsonNode.Parse("{}");
        });

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), scenario);

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Single(result.InvocationsOf(AskPerson));
        Assert.Empty(_registered);
        Assert.Contains("copied artifact", Refusal(result));
        Assert.Contains($"not the promoted {s_sha}", Refusal(result));
    }

    [Fact]
    public async Task Production_registers_nothing_when_the_person_rejects()
    {
        var scenario = Scenario(PreProductionMetadata(), approval: TaskAnswer.Fail("Rejected", "not this week"));

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), scenario);

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRejected", result.ToString());
        Assert.Empty(result.InvocationsOf(CopyObject));
        Assert.Empty(_registered);
    }

    [Fact]
    public async Task Production_refuses_a_package_that_is_not_in_the_preproduction_account()
    {
        var result = await Production().RunAsync(ReleasePassedInPreProduction(DevPackage), Scenario(PreProductionMetadata()));

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(result.InvocationsOf(DescribePackage));
        Assert.Contains("is not in the source account 333344445555", Refusal(result));
    }

    [Fact]
    public async Task Production_promotes_nothing_when_the_preproduction_run_released_nothing()
    {
        var input = ReleasePassedInPreProduction(PreProductionPackage);
        input["evidence"]!["output"] = """{"outcome":{"state":"AlreadyDeployed"}}""";

        var result = await Production().RunAsync(input, Scenario(PreProductionMetadata()));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Contains("NothingToPromote", result.EnteredStates);
        Assert.Empty(result.InvocationsOf(DescribePackage));
    }

    [Fact]
    public async Task Preproduction_takes_a_dev_approval_without_a_person_checked_against_the_acceptance_set_digest()
    {
        await PutAsync(DevBucket, "models/7/model.onnx", s_model);
        await PutAsync(DevBucket, "models/7/acceptance/acceptance.json", Encoding.UTF8.GetBytes(AcceptanceSet(s_sha)));
        var metadata = new JsonObject
        {
            ["onnxModelUri"] = $"s3://{DevBucket}/models/7/model.onnx",
            ["acceptanceSetUri"] = $"s3://{DevBucket}/models/7/acceptance/acceptance.json",
            ["map50"] = "0.73",
        };

        var result = await PreProduction().RunAsync(JsonNode.Parse($$"""{"trigger":"model-approved","modelPackageArn":"{{DevPackage}}"}"""), Scenario(metadata));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Empty(result.InvocationsOf(AskPerson));
        var registered = Assert.Single(_registered);
        Assert.Equal("edgemlops-staged-preprod-defect-detector", registered["ModelPackageGroupName"]!.GetValue<string>());
        Assert.Equal(s_sha, registered["CustomerMetadataProperties"]!["onnxSha256"]!.GetValue<string>());
        Assert.Equal(DevPackage, registered["CustomerMetadataProperties"]!["sourceModelPackageArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preproduction_refuses_a_dev_model_that_is_not_the_one_its_acceptance_set_was_made_for()
    {
        await PutAsync(DevBucket, "models/8/model.onnx", Encoding.UTF8.GetBytes("retrained later"));
        await PutAsync(DevBucket, "models/8/acceptance/acceptance.json", Encoding.UTF8.GetBytes(AcceptanceSet(s_sha)));
        var metadata = new JsonObject
        {
            ["onnxModelUri"] = $"s3://{DevBucket}/models/8/model.onnx",
            ["acceptanceSetUri"] = $"s3://{DevBucket}/models/8/acceptance/acceptance.json",
        };

        var result = await PreProduction().RunAsync(JsonNode.Parse($$"""{"trigger":"model-approved","modelPackageArn":"{{DevPackage}}"}"""), Scenario(metadata));

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(_registered);
    }

    private LocalStateMachine Production() =>
        LocalStateMachine.FromTemplate(stages.Templates[DeploymentStageKind.Production].DeepClone(), stages.PromotionStateMachineId(DeploymentStageKind.Production));

    private LocalStateMachine PreProduction() =>
        LocalStateMachine.FromTemplate(stages.Templates[DeploymentStageKind.PreProduction].DeepClone(), stages.PromotionStateMachineId(DeploymentStageKind.PreProduction));

    private Scenario Scenario(JsonObject metadata, Func<JsonNode?, JsonNode?>? copy = null, TaskAnswer? approval = null) =>
        new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.RepeatLast }
            .Respond(DescribePackage, TaskAnswer.Return(new JsonObject
            {
                ["ModelApprovalStatus"] = "Approved",
                ["ModelPackageGroupName"] = "source-group",
                ["ModelPackageVersion"] = 3,
                ["CustomerMetadataProperties"] = metadata.DeepClone(),
                ["InferenceSpecification"] = JsonNode.Parse("""{"Containers":[{"Image":"111111111111.dkr.ecr.eu-west-1.amazonaws.com/training:1","ModelDataUrl":"s3://b/model.tar.gz"}],"SupportedContentTypes":["application/octet-stream"],"SupportedResponseMIMETypes":["application/json"]}"""),
            }))
            .Respond(AskPerson, approval ?? TaskAnswer.Return("true"))
            .Handle(CopyObject, copy ?? CopyInLocalS3)
            .Handle(CreatePackage, parameters =>
            {
                _registered.Add(parameters!.DeepClone());
                return JsonNode.Parse($$"""{"ModelPackageArn":"{{ProductionPackage}}"}""");
            })
            .Respond(Publish, """{"MessageId":"m-1"}""")
            .WithLambdaEnvironment(s3.Server.ClientEnvironment);

    private JsonNode? CopyInLocalS3(JsonNode? parameters)
    {
        var source = parameters!["CopySource"]!.GetValue<string>();
        var slash = source.IndexOf('/', StringComparison.Ordinal);
        var bytes = GetAsync(source[..slash], Uri.UnescapeDataString(source[(slash + 1)..])).GetAwaiter().GetResult();
        PutAsync(parameters["Bucket"]!.GetValue<string>(), parameters["Key"]!.GetValue<string>(), bytes).GetAwaiter().GetResult();
        return JsonNode.Parse("""{"CopyObjectResult":{}}""");
    }

    private static JsonObject PreProductionMetadata() => new()
    {
        ["onnxModelUri"] = $"s3://{PreProductionBucket}/promoted/{s_sha}/model.onnx",
        ["onnxSha256"] = s_sha,
        ["acceptanceSetUri"] = $"s3://{DevBucket}/models/7/acceptance/acceptance.json",
        ["sourceModelPackageArn"] = DevPackage,
        ["map50"] = "0.73",
    };

    private static JsonNode ReleasePassedInPreProduction(string modelPackageArn)
    {
        var output = new JsonObject
        {
            ["deployed"] = new JsonObject { ["modelPackageArn"] = modelPackageArn, ["fleetDeploymentId"] = "d-fleet" },
            ["outcome"] = new JsonObject { ["state"] = "ReleaseDeployed" },
        };
        return new JsonObject
        {
            ["trigger"] = "pre-production-release",
            ["evidence"] = new JsonObject { ["executionArn"] = PreProductionExecution, ["output"] = output.ToJsonString() },
        };
    }

    private static string Refusal(ExecutionResult result) =>
        result.InvocationsOf("NotifyPromotionRefused").Single().Parameters!["Message"]!.GetValue<string>();

    private static string AcceptanceSet(string sha) => $$"""
        {
          "format": "edgemlops.acceptance-set/1",
          "model": { "file": "model.onnx", "sha256": "{{sha}}", "imageSize": 640, "classNames": ["scratch"] },
          "thresholds": { "confidence": 0.25, "iou": 0.45 },
          "metrics": { "map50": 0.73, "map50_95": 0.41, "precision": 0.81, "recall": 0.66 },
          "images": [ { "file": "images/a.jpg", "sha256": "{{sha}}", "width": 450, "height": 300, "labels": [], "predictions": [] } ]
        }
        """;

    private async Task PutAsync(string bucket, string key, byte[] bytes)
    {
        using var client = s3.Server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });
    }

    private async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var client = s3.Server.CreateClient();
        using var response = await client.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
