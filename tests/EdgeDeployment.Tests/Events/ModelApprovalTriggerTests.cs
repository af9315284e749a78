using System.Text.Json.Nodes;
using EdgeDeployment.Tests.Template;
using EdgeMlOps.Testing.Events;
using Xunit;

namespace EdgeDeployment.Tests.Events;

/// <summary>The synthesized EventBridge rule's pattern, checked against real SageMaker event shapes (Fixtures/events).</summary>
[Collection(EdgeStageCollection.Name)]
public sealed class ModelApprovalTriggerTests
{
    private const string OurGroup = "metal-tag-detector";
    private readonly EdgeStageFixture _stage;

    public ModelApprovalTriggerTests(EdgeStageFixture stage) => _stage = stage;

    [Theory]
    [InlineData("approved-our-group.json", true)]
    [InlineData("approved-other-group.json", false)]
    [InlineData("rejected-our-group.json", false)]
    [InlineData("pending-our-group.json", false)]
    [InlineData("other-detail-type.json", false)]
    public void Starts_the_deployment_only_for_an_approval_in_our_group(string eventFile, bool expected)
    {
        var pattern = SynthesizedPattern();
        var @event = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "events", eventFile)))!.AsObject();

        Assert.Equal(expected, EventPatternMatcher.Matches(pattern, @event));
    }

    [Fact]
    public void Reads_the_group_name_from_the_training_apps_ssm_parameter_at_deploy_time()
    {
        var groupReference = RuleProperties()["EventPattern"]!["detail"]!["ModelPackageGroupName"]![0]!["Ref"]!.GetValue<string>();
        var parameter = _stage.TemplateJson["Parameters"]![groupReference]!;

        Assert.Equal("AWS::SSM::Parameter::Value<String>", parameter["Type"]!.GetValue<string>());
        Assert.Equal("/edgemlops/dev/training/model-package-group-name", parameter["Default"]!.GetValue<string>());
    }

    [Fact]
    public void Passes_the_model_package_arn_from_the_event_to_the_workflow()
    {
        var target = Assert.Single(RuleProperties()["Targets"]!.AsArray())!;
        var transformer = target["InputTransformer"]!;

        Assert.Equal("$.detail.ModelPackageArn", transformer["InputPathsMap"]!["detail-ModelPackageArn"]!.GetValue<string>());
        Assert.Contains("\"modelPackageArn\":<detail-ModelPackageArn>", transformer["InputTemplate"]!.GetValue<string>());
    }

    [Fact]
    public void Matcher_refuses_content_filters_instead_of_guessing()
    {
        var pattern = JsonNode.Parse("""{"detail": {"ModelPackageGroupName": [{"prefix": "metal"}]}}""")!.AsObject();
        var @event = JsonNode.Parse("""{"detail": {"ModelPackageGroupName": "metal-tag-detector"}}""")!.AsObject();

        Assert.Throws<NotSupportedException>(() => EventPatternMatcher.Matches(pattern, @event));
    }

    private JsonObject RuleProperties() =>
        Assert.Single(EdgeStageFixture.Resources(_stage.TemplateJson, "AWS::Events::Rule"),
            r => r.Resource["Properties"]!["EventPattern"]?["source"]?[0]?.GetValue<string>() == "aws.sagemaker").Resource["Properties"]!.AsObject();

    /// <summary>The pattern with the deploy-time SSM reference replaced by the group name it resolves to.</summary>
    private JsonObject SynthesizedPattern()
    {
        var pattern = RuleProperties()["EventPattern"]!.DeepClone().AsObject();
        pattern["detail"]!["ModelPackageGroupName"] = new JsonArray(OurGroup);
        return pattern;
    }
}
