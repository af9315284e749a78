using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.EdgeDeployment.CheckPromotedArtifact;

namespace EdgeMlOps.ModelTraining.Tests.Promotion;

public sealed class PromotionPlanTests
{
    private static readonly string s_sha = new('c', 64);

    [Fact]
    public void Refuses_a_file_larger_than_one_CopyObject_copies_before_anything_is_copied()
    {
        var tooLarge = PromotedArtifactLayout.MaxCopyBytes + 1;

        var plan = PromotionPlan.Build(Inputs(modelDataBytes: tooLarge));

        Assert.Empty(plan.Copies);
        Assert.Contains($"{tooLarge} bytes, more than the {PromotedArtifactLayout.MaxCopyBytes} bytes one CopyObject can copy", plan.Refusal);
    }

    [Fact]
    public void Plans_every_file_at_the_copy_limit_into_the_digest_folder()
    {
        var plan = PromotionPlan.Build(Inputs(modelDataBytes: PromotedArtifactLayout.MaxCopyBytes));

        Assert.Null(plan.Refusal);
        Assert.Equal(
            [$"promoted/{s_sha}/model.onnx", $"promoted/{s_sha}/acceptance/acceptance.json", $"promoted/{s_sha}/acceptance.zip", $"promoted/{s_sha}/model.tar.gz"],
            plan.Copies.Select(c => c.Key));
        Assert.Equal("src/models/7/my%20model.onnx", plan.Copies[0].CopySource);
        Assert.Equal("s3://target/promoted/" + s_sha + "/model.tar.gz", plan.InferenceSpecification["Containers"]![0]!["ModelDataUrl"]!.GetValue<string>());
        Assert.Equal("image:own", plan.InferenceSpecification["Containers"]![0]!["Image"]!.GetValue<string>());
        Assert.Equal("arn:dev:package/7", plan.Metadata[ModelPackageMetadata.OriginModelPackageArn]!.GetValue<string>());
    }

    [Fact]
    public void Refuses_a_package_without_a_container_to_register_with()
    {
        var plan = PromotionPlan.Build(Inputs(modelDataBytes: 1) with { InferenceSpecification = null });

        Assert.Contains("no inference specification container", plan.Refusal);
    }

    private static PromotionPlan.Inputs Inputs(long modelDataBytes) => new(
        s_sha,
        S3Uri.Parse("s3://src/models/7/my model.onnx"),
        100,
        new JsonObject { ["map50"] = "0.7" },
        JsonNode.Parse("""{"Containers":[{"Image":"image:dev","ModelDataUrl":"s3://src/jobs/7/model.tar.gz"}]}""")!.AsObject(),
        "target",
        "image:own",
        "arn:dev:package/7",
        (S3Uri.Parse("s3://src/models/7/acceptance/acceptance.json"), 10, S3Uri.Parse("s3://src/models/7/acceptance.zip"), 20, new string('d', 64)),
        new Dictionary<string, long> { ["s3://src/jobs/7/model.tar.gz"] = modelDataBytes });
}
