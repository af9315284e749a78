using System.Text.Json.Nodes;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

public sealed class ModelReleasePlannerTests
{
    internal static JsonObject Package(string modelDataUrl = "s3://training-bucket/runs/3/model.onnx", string? imageSize = "640", string? classNames = "[\"scratch\",\"dent\"]", string status = "Approved", int version = 3)
    {
        var metadata = new JsonObject();
        if (imageSize is not null)
        {
            metadata["imageSize"] = imageSize;
        }

        if (classNames is not null)
        {
            metadata["classNames"] = classNames;
        }

        return new JsonObject
        {
            ["ModelPackageArn"] = $"arn:aws:sagemaker:eu-west-1:123456789012:model-package/metal-tag-detector/{version}",
            ["ModelPackageGroupName"] = "metal-tag-detector",
            ["ModelPackageVersion"] = version,
            ["ModelApprovalStatus"] = status,
            ["InferenceSpecification"] = new JsonObject { ["Containers"] = new JsonArray(new JsonObject { ["Image"] = "img", ["ModelDataUrl"] = modelDataUrl }) },
            ["CustomerMetadataProperties"] = metadata,
        };
    }

    private static ModelReleaseDecision Plan(JsonObject package) =>
        ModelReleasePlanner.Plan(new RenderModelRecipeRequest(package, "com.edgemlops.Model", "edge-artifacts"));

    [Fact]
    public void Renders_a_valid_recipe_whose_artifact_is_the_copied_model()
    {
        var decision = Plan(Package());

        Assert.True(decision.Valid, string.Join("; ", decision.Problems));
        var release = decision.Release!;
        var recipe = JsonNode.Parse(release.Recipe)!;
        Assert.Equal("2020-01-25", recipe["RecipeFormatVersion"]!.GetValue<string>());
        Assert.Equal("com.edgemlops.Model", recipe["ComponentName"]!.GetValue<string>());
        Assert.Equal("3.0.0", recipe["ComponentVersion"]!.GetValue<string>());
        var artifact = recipe["Manifests"]![0]!["Artifacts"]![0]!;
        Assert.Equal("s3://edge-artifacts/models/metal-tag-detector/3/model.onnx", artifact["URI"]!.GetValue<string>());
        Assert.Equal(release.ArtifactUri, artifact["URI"]!.GetValue<string>());
        Assert.Equal("models/metal-tag-detector/3/model.onnx", release.ArtifactKey);
        Assert.Equal("training-bucket/runs/3/model.onnx", release.CopySource);
    }

    [Fact]
    public void Puts_image_size_and_class_names_into_the_default_configuration()
    {
        var recipe = JsonNode.Parse(Plan(Package()).Release!.Recipe)!;
        var configuration = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!;

        Assert.Equal(640, configuration["imageSize"]!.GetValue<int>());
        Assert.Equal(["scratch", "dent"], configuration["classNames"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(3, configuration["modelPackageVersion"]!.GetValue<int>());
        Assert.Equal("3.0.0", configuration["modelComponentVersion"]!.GetValue<string>());
    }

    [Fact]
    public void Passes_the_class_names_as_a_comma_separated_string_the_inference_recipe_interpolates()
    {
        var configuration = JsonNode.Parse(Plan(Package(classNames: "scratch/rust spot")).Release!.Recipe)!["ComponentConfiguration"]!["DefaultConfiguration"]!;

        Assert.Equal("scratch,rust spot", configuration[ModelRecipe.ClassNamesArgumentKey]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[\"scratch\",\"it's\"]")]
    [InlineData("[\"scratch\",\"$(reboot)\"]")]
    [InlineData("[\"a\\\"b\"]")]
    public void Fails_if_a_class_name_holds_a_character_the_lifecycle_command_line_cannot_carry(string classNames)
    {
        var decision = Plan(Package(classNames: classNames));

        Assert.False(decision.Valid);
        Assert.Contains(decision.Problems, p => p.Contains("classNames may hold only", StringComparison.Ordinal));
    }

    [Fact]
    public void Passes_the_acceptance_set_uri_of_the_package_to_the_release()
    {
        var package = Package();
        package["CustomerMetadataProperties"]!["acceptanceSetUri"] = "s3://training-bucket/models/onnx/x1/acceptance/acceptance.json";

        var release = Plan(package).Release!;

        Assert.Equal("s3://training-bucket/models/onnx/x1/acceptance/acceptance.json", release.AcceptanceSetUri);
        Assert.Equal(release.AcceptanceSetUri, release.ToJson()["acceptanceSetUri"]!.GetValue<string>());
    }

    [Fact]
    public void The_model_component_carries_the_acceptance_archive_copied_beside_the_model_and_names_the_document()
    {
        var package = Package();
        package["CustomerMetadataProperties"]!["acceptanceSetUri"] = "s3://training-bucket/models/onnx/x 1/acceptance/acceptance.json";

        var release = Plan(package).Release!;

        // The training side's acceptance.zip beside the set's folder, copied next to model.onnx in the artifacts bucket.
        var archive = release.AcceptanceArchive!;
        Assert.Equal("training-bucket/models/onnx/x%201/acceptance.zip", archive.CopySource);
        Assert.Equal(release.ArtifactKey.Replace("model.onnx", "acceptance.zip", StringComparison.Ordinal), archive.Key);
        Assert.Equal(archive.Key, release.ToJson()["acceptanceArchive"]!["key"]!.GetValue<string>());
        var recipe = JsonNode.Parse(release.Recipe)!;
        var artifacts = recipe["Manifests"]![0]!["Artifacts"]!.AsArray();
        Assert.Equal([release.ArtifactUri, archive.Uri], artifacts.Select(a => a!["URI"]!.GetValue<string>()));
        Assert.Equal("ZIP", artifacts[1]!["Unarchive"]!.GetValue<string>());
        // Greengrass unpacks acceptance.zip into <decompressedPath>/acceptance/: the document the component reads.
        Assert.Equal("acceptance/acceptance.json", recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["acceptanceSet"]!.GetValue<string>());
    }

    [Fact]
    public void A_package_without_an_acceptance_set_is_still_deployable()
    {
        var release = Plan(Package()).Release!;

        Assert.Null(release.AcceptanceSetUri);
        Assert.Null(release.AcceptanceArchive);
        Assert.Null(release.ToJson()["acceptanceArchive"]);
        var recipe = JsonNode.Parse(release.Recipe)!;
        Assert.Single(recipe["Manifests"]![0]!["Artifacts"]!.AsArray());
        Assert.Equal(string.Empty, recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["acceptanceSet"]!.GetValue<string>());
    }

    [Fact]
    public void Fails_if_the_acceptance_set_uri_is_not_the_set_document_of_a_folder()
    {
        var package = Package();
        package["CustomerMetadataProperties"]!["acceptanceSetUri"] = "s3://training-bucket/models/onnx/x1/evaluation.json";

        var decision = Plan(package);

        Assert.Contains(decision.Problems, p => p.Contains("acceptance/acceptance.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_if_the_acceptance_set_uri_is_not_an_s3_json_object()
    {
        var package = Package();
        package["CustomerMetadataProperties"]!["acceptanceSetUri"] = "https://example.com/acceptance.json";

        var decision = Plan(package);

        Assert.False(decision.Valid);
        Assert.Contains(decision.Problems, p => p.Contains("acceptanceSetUri", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_comma_separated_class_names()
    {
        Assert.Equal(["scratch", "dent"], Plan(Package(classNames: "scratch, dent")).Release!.ClassNames);
    }

    [Fact]
    public void Accepts_class_names_joined_with_slashes_as_the_training_pipeline_registers_them()
    {
        // SageMaker rejects commas in metadata values; '/' is allowed and is what training writes.
        Assert.Equal(["scratch", "dent", "rust spot"], Plan(Package(classNames: "scratch/dent/rust spot")).Release!.ClassNames);
    }

    [Fact]
    public void Deploys_the_onnx_file_named_in_metadata_when_model_data_url_is_the_training_tar_gz()
    {
        var package = Package("s3://training-bucket/models/pipelines-x-Train-y/output/model.tar.gz");
        package["CustomerMetadataProperties"]!["onnxModelUri"] = "s3://training-bucket/models/onnx/k3h9x2/model.onnx";

        var decision = Plan(package);

        Assert.True(decision.Valid, string.Join("; ", decision.Problems));
        Assert.Equal("training-bucket/models/onnx/k3h9x2/model.onnx", decision.Release!.CopySource);
    }

    [Fact]
    public void Fails_when_the_onnx_metadata_does_not_name_an_onnx_file()
    {
        var package = Package();
        package["CustomerMetadataProperties"]!["onnxModelUri"] = "s3://training-bucket/models/onnx/k3h9x2/";

        Assert.Contains(Plan(package).Problems, p => p.Contains("onnxModelUri must be an s3://", StringComparison.Ordinal));
    }

    [Fact]
    public void Encodes_the_copy_source_key()
    {
        Assert.Equal("bucket/runs/run%203/model.onnx", Plan(Package("s3://bucket/runs/run 3/model.onnx")).Release!.CopySource);
    }

    [Fact]
    public void Fails_when_the_artifact_is_not_onnx()
    {
        var decision = Plan(Package("s3://training-bucket/runs/3/model.tar.gz"));

        Assert.False(decision.Valid);
        Assert.Contains(decision.Problems, p => p.Contains("no ONNX artifact", StringComparison.Ordinal) && p.Contains("model.tar.gz", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_there_is_no_artifact_at_all()
    {
        var package = Package();
        package["InferenceSpecification"] = new JsonObject { ["Containers"] = new JsonArray(new JsonObject { ["Image"] = "img" }) };

        Assert.Contains(Plan(package).Problems, p => p.Contains("no model artifact", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_missing_metadata_key_together()
    {
        var decision = Plan(Package(imageSize: null, classNames: null));

        Assert.Equal(2, decision.Problems.Count);
        Assert.Contains(decision.Problems, p => p.Contains("imageSize is missing", StringComparison.Ordinal));
        Assert.Contains(decision.Problems, p => p.Contains("classNames is missing", StringComparison.Ordinal));
        Assert.Null(decision.Release);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("650")]
    [InlineData("8192")]
    [InlineData("large")]
    public void Fails_on_an_unusable_image_size(string imageSize)
    {
        Assert.Contains(Plan(Package(imageSize: imageSize)).Problems, p => p.Contains("imageSize must be", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("scratch,,dent")]
    [InlineData("[\"scratch\",\"scratch\"]")]
    [InlineData("[1, 2")]
    public void Fails_on_unusable_class_names(string classNames)
    {
        Assert.Contains(Plan(Package(classNames: classNames)).Problems, p => p.Contains("classNames", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_the_package_is_not_approved()
    {
        Assert.Contains(Plan(Package(status: "Rejected")).Problems, p => p.Contains("must be Approved, got Rejected", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_returns_the_decision_as_the_workflow_reads_it()
    {
        var input = new JsonObject { ["modelPackage"] = Package(), ["modelComponentName"] = "com.edgemlops.Model", ["artifactsBucket"] = "edge-artifacts" };
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()));

        var output = JsonNode.Parse(Function.Handle(stream))!;

        Assert.True(output["valid"]!.GetValue<bool>());
        Assert.Empty(output["problems"]!.AsArray());
        Assert.Equal("3.0.0", output["release"]!["componentVersion"]!.GetValue<string>());
        Assert.IsType<string>(output["release"]!["recipe"]!.GetValue<string>());
    }

    [Fact]
    public void With_a_release_running_the_candidate_carries_the_current_model_for_shadow_evaluation()
    {
        var request = new RenderModelRecipeRequest(Package(version: 4), "com.edgemlops.Model", "edge-artifacts")
        {
            DeployedRecord = JsonNode.Parse("""
                {"record": {"modelPackageArn": "arn:aws:sagemaker:eu-west-1:123456789012:model-package/metal-tag-detector/3", "modelPackageGroupName": "metal-tag-detector",
                  "modelPackageVersion": 3, "modelComponent": {"componentName": "com.edgemlops.Model", "componentVersion": "3.0.1"}}}
                """)!.AsObject(),
        };

        var release = ModelReleasePlanner.Plan(request).Release!;

        var shadow = Assert.IsType<ShadowRelease>(release.Shadow);
        Assert.Equal("edge-artifacts/models/metal-tag-detector/3/model.onnx", shadow.CopySource);
        Assert.Equal("models/metal-tag-detector/4/current.onnx", shadow.ArtifactKey);
        Assert.Equal("3.0.1", shadow.CurrentComponentVersion);
        var artifacts = JsonNode.Parse(release.Recipe)!["Manifests"]![0]!["Artifacts"]!.AsArray().Select(a => a!["URI"]!.GetValue<string>());
        Assert.Equal(["s3://edge-artifacts/models/metal-tag-detector/4/model.onnx", "s3://edge-artifacts/models/metal-tag-detector/4/current.onnx"], artifacts);
        Assert.Equal("current.onnx", release.ToJson()["shadow"]!["currentModelFile"]!.GetValue<string>());
        // Which release current.onnx is: the results the current model publishes in shadow name it.
        var configuration = JsonNode.Parse(release.Recipe)!["ComponentConfiguration"]!["DefaultConfiguration"]!;
        Assert.Equal(("3.0.1", 3), (configuration["currentModelComponentVersion"]!.GetValue<string>(), configuration["currentModelPackageVersion"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("""{"value": "none"}""")]
    [InlineData("""{"record": {"modelPackageGroupName": "metal-tag-detector", "modelPackageVersion": 4}}""")]
    [InlineData("""{"record": {"modelPackageGroupName": "other-group", "modelPackageVersion": 3}}""")]
    public void A_first_release_a_re_release_or_another_groups_record_skips_shadow(string record)
    {
        var request = new RenderModelRecipeRequest(Package(version: 4), "com.edgemlops.Model", "edge-artifacts") { DeployedRecord = JsonNode.Parse(record)!.AsObject() };

        var release = ModelReleasePlanner.Plan(request).Release!;

        Assert.Null(release.Shadow);
        Assert.Single(JsonNode.Parse(release.Recipe)!["Manifests"]![0]!["Artifacts"]!.AsArray());
        Assert.Null(release.ToJson()["shadow"]);
        Assert.Null(JsonNode.Parse(release.Recipe)!["ComponentConfiguration"]!["DefaultConfiguration"]!["currentModelComponentVersion"]);
    }
}
