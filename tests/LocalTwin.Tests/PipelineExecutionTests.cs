using System.Text.Json.Nodes;
using EdgeMlOps.Testing.SageMaker;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>A pipeline definition's RegisterModel step resolved for one execution, as the twin registers its models.</summary>
public sealed class PipelineExecutionTests
{
    private const string Definition = """
        {
          "Version": "2020-12-01",
          "Parameters": [ { "Name": "ImageSize", "Type": "Integer", "DefaultValue": 640 }, { "Name": "Group", "Type": "String", "DefaultValue": "tags" } ],
          "Steps": [
            { "Name": "Evaluate", "Type": "Processing", "Arguments": { "ProcessingOutputConfig": { "Outputs": [
              { "OutputName": "onnx", "S3Output": { "S3Uri": { "Std:Join": { "On": "/", "Values": [ "s3://bucket/models", { "Get": "Execution.PipelineExecutionId" } ] } } } } ] } } },
            { "Name": "Check", "Type": "Condition", "Arguments": { "IfSteps": [
              { "Name": "Register", "Type": "RegisterModel", "Arguments": {
                "ModelPackageGroupName": { "Get": "Parameters.Group" },
                "InferenceSpecification": { "Containers": [ { "ModelDataUrl": { "Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts" } } ] },
                "CustomerMetadataProperties": {
                  "imageSize": { "Std:Join": { "On": "", "Values": [ { "Get": "Parameters.ImageSize" } ] } },
                  "onnxModelUri": { "Std:Join": { "On": "/", "Values": [ { "Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['onnx'].S3Output.S3Uri" }, "model.onnx" ] } },
                  "map50": { "Std:Join": { "On": "", "Values": [ { "Std:JsonGet": { "PropertyFile": { "Get": "Steps.Evaluate.PropertyFiles.Report" }, "Path": "metrics.map50" } } ] } }
                } } } ], "ElseSteps": [] } }
          ]
        }
        """;

    private static PipelineRunValues Values(string executionId = "exec-1") => new()
    {
        ExecutionId = executionId,
        StepProperties = new Dictionary<string, JsonNode> { ["Steps.Train.ModelArtifacts.S3ModelArtifacts"] = "s3://bucket/train/model.tar.gz" },
        PropertyFiles = new Dictionary<string, JsonNode> { ["Steps.Evaluate.PropertyFiles.Report"] = JsonNode.Parse("""{"metrics":{"map50":0.71}}""")! },
    };

    [Fact]
    public void The_registered_package_carries_the_resolved_arguments_of_the_register_step_inside_a_condition()
    {
        var package = new PipelineExecution(Definition, Values()).RegisteredModelPackage("arn:aws:sagemaker:us-east-1:1:model-package/tags/3", 3, DateTimeOffset.UnixEpoch);

        Assert.Equal("tags", package["ModelPackageGroupName"]!.GetValue<string>());
        Assert.Equal("s3://bucket/train/model.tar.gz", package["InferenceSpecification"]!["Containers"]![0]!["ModelDataUrl"]!.GetValue<string>());
        Assert.Equal("""{"imageSize":"640","onnxModelUri":"s3://bucket/models/exec-1/model.onnx","map50":"0.71"}""", package["CustomerMetadataProperties"]!.ToJsonString());
        Assert.Equal("Approved", package["ModelApprovalStatus"]!.GetValue<string>());
        Assert.Equal(3, package["ModelPackageVersion"]!.GetValue<int>());
    }

    [Fact]
    public void Parameter_values_given_for_the_execution_win_over_the_defaults()
    {
        var values = Values() with { Parameters = new Dictionary<string, JsonNode> { ["ImageSize"] = 416 } };

        var package = new PipelineExecution(Definition, values).RegisteredModelPackage("arn", 1, DateTimeOffset.UnixEpoch);

        Assert.Equal("416", package["CustomerMetadataProperties"]!["imageSize"]!.GetValue<string>());
    }

    [Fact]
    public void Fails_if_a_step_property_has_no_value_instead_of_passing_it_unresolved()
    {
        var values = Values() with { StepProperties = new Dictionary<string, JsonNode>() };

        var error = Assert.Throws<InvalidOperationException>(() => new PipelineExecution(Definition, values).RegisteredModelPackage("arn", 1, DateTimeOffset.UnixEpoch));

        Assert.Contains("Steps.Train.ModelArtifacts.S3ModelArtifacts", error.Message, StringComparison.Ordinal);
    }
}
