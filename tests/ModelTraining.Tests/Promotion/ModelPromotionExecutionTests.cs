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
    private static readonly byte[] s_archive = Encoding.UTF8.GetBytes("PK acceptance.zip of the model " + new string('z', 512));
    private static readonly string s_archiveSha = Convert.ToHexString(SHA256.HashData(s_archive)).ToLowerInvariant();
    private static readonly byte[] s_modelData = Encoding.UTF8.GetBytes("model.tar.gz of the training job");

    private readonly List<JsonNode> _registered = [];

    public async Task InitializeAsync()
    {
        // One local S3 for the class, one InitializeAsync per test: the buckets may exist already.
        using var client = s3.Server.CreateClient();
        var existing = (await client.ListBucketsAsync()).Buckets?.Select(b => b.BucketName).ToHashSet() ?? [];
        await s3.Server.CreateBucketsAsync([.. new[] { DevBucket, PreProductionBucket, ProductionBucket }.Where(b => !existing.Contains(b))]);
        await PutAsync(PreProductionBucket, $"promoted/{s_sha}/model.onnx", s_model);
        await PutAsync(PreProductionBucket, $"promoted/{s_sha}/acceptance/acceptance.json", Encoding.UTF8.GetBytes(AcceptanceSet(s_sha)));
        await PutAsync(PreProductionBucket, $"promoted/{s_sha}/acceptance.zip", s_archive);
        await PutAsync(PreProductionBucket, $"promoted/{s_sha}/model.tar.gz", s_modelData);
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
        Assert.Equal(DevPackage, metadata["originModelPackageArn"]!.GetValue<string>());
        Assert.Equal("0.73", metadata["map50"]!.GetValue<string>());
        Assert.Equal(s_model, await GetAsync(ProductionBucket, $"promoted/{s_sha}/model.onnx"));
    }

    [Fact]
    public async Task Production_package_names_only_production_objects_copied_and_rechecked_there()
    {
        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(PreProductionMetadata()));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        var folder = $"promoted/{s_sha}/";
        Assert.Equal(
            [$"{folder}acceptance.zip", $"{folder}acceptance/acceptance.json", $"{folder}model.onnx", $"{folder}model.tar.gz"],
            result.InvocationsOf(CopyObject).Select(c => c.Parameters!["Key"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(result.InvocationsOf(CopyObject), c => Assert.Equal(ProductionBucket, c.Parameters!["Bucket"]!.GetValue<string>()));
        Assert.Equal(s_archive, await GetAsync(ProductionBucket, $"{folder}acceptance.zip"));
        Assert.Equal(s_modelData, await GetAsync(ProductionBucket, $"{folder}model.tar.gz"));

        var registered = Assert.Single(_registered);
        var metadata = registered["CustomerMetadataProperties"]!;
        Assert.Equal($"s3://{ProductionBucket}/{folder}acceptance/acceptance.json", metadata["acceptanceSetUri"]!.GetValue<string>());
        Assert.Equal(s_archiveSha, metadata["acceptanceArchiveSha256"]!.GetValue<string>());
        var container = Assert.Single(registered["InferenceSpecification"]!["Containers"]!.AsArray())!;
        Assert.Equal($"s3://{ProductionBucket}/{folder}model.tar.gz", container["ModelDataUrl"]!.GetValue<string>());
        Assert.StartsWith("444455556666.dkr.ecr.eu-west-1.amazonaws.com/edgemlops-staged-prod-training:", container["Image"]!.GetValue<string>());

        // Only the lineage names another account: every object the package points at is production's own.
        var withoutLineage = registered.DeepClone().AsObject();
        var lineageFree = withoutLineage["CustomerMetadataProperties"]!.AsObject();
        lineageFree.Remove("sourceModelPackageArn");
        lineageFree.Remove("originModelPackageArn");
        withoutLineage.Remove("ModelPackageDescription");
        Assert.DoesNotContain("333344445555", withoutLineage.ToJsonString());
        Assert.DoesNotContain("222233334444", withoutLineage.ToJsonString());
    }

    [Fact]
    public async Task Production_promotion_request_links_the_evidence_in_the_console_and_keeps_approval_a_signed_call()
    {
        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(PreProductionMetadata()));

        var request = Assert.Single(result.InvocationsOf(AskPerson)).Parameters!["Message"]!.GetValue<string>();
        Assert.Contains($"https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/{PreProductionExecution}", request);
        Assert.Contains("https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:", request);
        Assert.Contains($"https://s3.console.aws.amazon.com/s3/object/{PreProductionBucket}?region=eu-west-1&prefix=promoted/{s_sha}/model.onnx", request);
        Assert.Contains($"aws sagemaker describe-model-package --region eu-west-1 --model-package-name {PreProductionPackage}", request);
        Assert.Contains("aws stepfunctions send-task-success --region eu-west-1 --task-output true --task-token", request);
        Assert.DoesNotContain("https://", request.Split("Approve:")[1]);
    }

    [Fact]
    public async Task Production_refuses_an_acceptance_archive_that_is_not_the_one_preproduction_ran()
    {
        await PutAsync(PreProductionBucket, "promoted/other/acceptance/acceptance.json", Encoding.UTF8.GetBytes(AcceptanceSet(s_sha)));
        await PutAsync(PreProductionBucket, "promoted/other/acceptance.zip", Encoding.UTF8.GetBytes("another archive"));
        var metadata = PreProductionMetadata();
        metadata["acceptanceSetUri"] = $"s3://{PreProductionBucket}/promoted/other/acceptance/acceptance.json";

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(metadata));

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(result.InvocationsOf(AskPerson));
        Assert.Empty(_registered);
        Assert.Contains("acceptance archive", Refusal(result));
        Assert.Contains($"not the promoted {s_archiveSha}", Refusal(result));
    }

    [Fact]
    public async Task Production_refuses_an_acceptance_set_made_for_another_model()
    {
        var other = new string('a', 64);
        await PutAsync(PreProductionBucket, "promoted/foreign/acceptance/acceptance.json", Encoding.UTF8.GetBytes(AcceptanceSet(other)));
        await PutAsync(PreProductionBucket, "promoted/foreign/acceptance.zip", s_archive);
        var metadata = PreProductionMetadata();
        metadata["acceptanceSetUri"] = $"s3://{PreProductionBucket}/promoted/foreign/acceptance/acceptance.json";

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), Scenario(metadata));

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(_registered);
        Assert.Contains($"was made for the model with SHA-256 {other}, not {s_sha}", Refusal(result));
    }

    [Fact]
    public async Task Production_refuses_an_archive_copy_that_changed_on_the_way()
    {
        var scenario = Scenario(PreProductionMetadata(), copy: parameters =>
        {
            var key = parameters!["Key"]!.GetValue<string>();
            if (key.EndsWith("acceptance.zip", StringComparison.Ordinal))
            {
                PutAsync(ProductionBucket, key, Encoding.UTF8.GetBytes("truncated")).GetAwaiter().GetResult();
                return JsonNode.Parse("""{"CopyObjectResult":{}}""");
            }

            return CopyInLocalS3(parameters);
        });

        var result = await Production().RunAsync(ReleasePassedInPreProduction(PreProductionPackage), scenario);

        Assert.True(result.Status == ExecutionStatus.Failed && result.Error == "PromotionRefused", result.ToString());
        Assert.Empty(_registered);
        Assert.Contains("copied artifact", Refusal(result));
        Assert.Contains($"acceptance archive s3://{ProductionBucket}/promoted/{s_sha}/acceptance.zip", Refusal(result));
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
        await PutAsync(DevBucket, "models/7/acceptance.zip", s_archive);
        await PutAsync(DevBucket, "jobs/7/output/model.tar.gz", s_modelData);
        var metadata = new JsonObject
        {
            ["onnxModelUri"] = $"s3://{DevBucket}/models/7/model.onnx",
            ["acceptanceSetUri"] = $"s3://{DevBucket}/models/7/acceptance/acceptance.json",
            ["map50"] = "0.73",
        };

        var result = await PreProduction().RunAsync(
            JsonNode.Parse($$"""{"trigger":"model-approved","modelPackageArn":"{{DevPackage}}"}"""),
            Scenario(metadata, modelDataUrl: $"s3://{DevBucket}/jobs/7/output/model.tar.gz"));

        Assert.True(result.Status == ExecutionStatus.Succeeded, result.ToString());
        Assert.Empty(result.InvocationsOf(AskPerson));
        var registered = Assert.Single(_registered);
        var promoted = registered["CustomerMetadataProperties"]!;
        Assert.Equal("edgemlops-staged-preprod-defect-detector", registered["ModelPackageGroupName"]!.GetValue<string>());
        Assert.Equal(s_sha, promoted["onnxSha256"]!.GetValue<string>());
        Assert.Equal(DevPackage, promoted["sourceModelPackageArn"]!.GetValue<string>());
        Assert.Equal(DevPackage, promoted["originModelPackageArn"]!.GetValue<string>());
        Assert.Equal(s_archiveSha, promoted["acceptanceArchiveSha256"]!.GetValue<string>());
        Assert.Equal($"s3://{PreProductionBucket}/promoted/{s_sha}/acceptance/acceptance.json", promoted["acceptanceSetUri"]!.GetValue<string>());
        Assert.Equal($"s3://{PreProductionBucket}/promoted/{s_sha}/model.tar.gz", registered["InferenceSpecification"]!["Containers"]![0]!["ModelDataUrl"]!.GetValue<string>());
        Assert.Equal(s_archive, await GetAsync(PreProductionBucket, $"promoted/{s_sha}/acceptance.zip"));
        Assert.Equal(AcceptanceSet(s_sha), Encoding.UTF8.GetString(await GetAsync(PreProductionBucket, $"promoted/{s_sha}/acceptance/acceptance.json")));
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

    private Scenario Scenario(JsonObject metadata, Func<JsonNode?, JsonNode?>? copy = null, TaskAnswer? approval = null, string? modelDataUrl = null) =>
        new Scenario { WhenAnswersRunOut = WhenAnswersRunOut.RepeatLast }
            .Respond(DescribePackage, TaskAnswer.Return(new JsonObject
            {
                ["ModelApprovalStatus"] = "Approved",
                ["ModelPackageGroupName"] = "source-group",
                ["ModelPackageVersion"] = 3,
                ["CustomerMetadataProperties"] = metadata.DeepClone(),
                ["InferenceSpecification"] = JsonNode.Parse($$"""{"Containers":[{"Image":"333344445555.dkr.ecr.eu-west-1.amazonaws.com/edgemlops-staged-preprod-training:1","ModelDataUrl":"{{modelDataUrl ?? $"s3://{PreProductionBucket}/promoted/{s_sha}/model.tar.gz"}}","Framework":"ONNX"}],"SupportedContentTypes":["image/jpeg"],"SupportedResponseMIMETypes":["application/json"]}"""),
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
        ["acceptanceSetUri"] = $"s3://{PreProductionBucket}/promoted/{s_sha}/acceptance/acceptance.json",
        ["acceptanceArchiveSha256"] = s_archiveSha,
        ["sourceModelPackageArn"] = DevPackage,
        ["originModelPackageArn"] = DevPackage,
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
