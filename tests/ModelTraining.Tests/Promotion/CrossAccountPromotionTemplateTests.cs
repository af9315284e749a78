using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.ModelTraining.Tests.Promotion;

public sealed class CrossAccountPromotionTemplateTests(StagedTrainingFixture fixture) : IClassFixture<StagedTrainingFixture>
{
    private const string Dev = "222233334444";
    private const string PreProduction = "333344445555";
    private const string Production = "444455556666";

    public static TheoryData<DeploymentStageKind, string> SourcesAndConsumers => new()
    {
        { DeploymentStageKind.Dev, PreProduction },
        { DeploymentStageKind.PreProduction, Production },
    };

    [Theory]
    [MemberData(nameof(SourcesAndConsumers))]
    public void Model_package_group_lets_only_the_next_stage_account_read_its_packages(DeploymentStageKind stage, string consumer)
    {
        var group = Single(stage, "AWS::SageMaker::ModelPackageGroup");

        var statement = Assert.Single(group["Properties"]!["ModelPackageGroupPolicy"]!["Statement"]!.AsArray())!;
        Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
        Assert.Equal($"arn:${{AWS::Partition}}:iam::{consumer}:root", Joined(statement["Principal"]!["AWS"]!));
        Assert.Equal(["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"], statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Production_registry_is_readable_by_no_other_account()
    {
        Assert.Null(Single(DeploymentStageKind.Production, "AWS::SageMaker::ModelPackageGroup")["Properties"]!["ModelPackageGroupPolicy"]);
        Assert.DoesNotContain(Statements(DeploymentStageKind.Production, "AWS::S3::BucketPolicy", "PolicyDocument"), s => s["Principal"]?["AWS"] is not null && s["Effect"]!.GetValue<string>() == "Allow");
    }

    [Theory]
    [MemberData(nameof(SourcesAndConsumers))]
    public void Artifacts_bucket_and_key_let_the_next_stage_account_only_read_and_decrypt_through_s3(DeploymentStageKind stage, string consumer)
    {
        var reads = Statements(stage, "AWS::S3::BucketPolicy", "PolicyDocument").Where(s => s["Sid"]?.GetValue<string>() == "NextStageReadsModels").ToList();
        var read = Assert.Single(reads);
        Assert.Equal("s3:GetObject", read["Action"]!.GetValue<string>());
        Assert.Equal($"arn:${{AWS::Partition}}:iam::{consumer}:root", Joined(read["Principal"]!["AWS"]!));

        var decrypt = Assert.Single(Statements(stage, "AWS::KMS::Key", "KeyPolicy"), s => s["Sid"]?.GetValue<string>() == "NextStageDecryptsModelsThroughS3");
        Assert.Equal("kms:Decrypt", decrypt["Action"]!.GetValue<string>());
        Assert.Equal($"arn:${{AWS::Partition}}:iam::{consumer}:root", Joined(decrypt["Principal"]!["AWS"]!));
        Assert.Equal("s3.eu-west-1.amazonaws.com", decrypt["Condition"]!["StringEquals"]!["kms:ViaService"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(DeploymentStageKind.PreProduction, Dev)]
    [InlineData(DeploymentStageKind.Production, PreProduction)]
    public void Default_event_bus_accepts_promotion_events_from_the_previous_stage_account_only(DeploymentStageKind stage, string source)
    {
        var policy = Single(stage, "AWS::Events::EventBusPolicy");
        var statement = policy["Properties"]!["Statement"]!;

        Assert.Equal("default", policy["Properties"]!["EventBusName"]!.GetValue<string>());
        Assert.Equal("events:PutEvents", statement["Action"]!.GetValue<string>());
        Assert.Equal($"arn:${{AWS::Partition}}:iam::{source}:root", Joined(statement["Principal"]!["AWS"]!));
        var trigger = Rules(stage).Single(r => r["Targets"]!.ToJsonString().Contains("ModelPromotionStateMachine", StringComparison.Ordinal));
        Assert.Equal([source], trigger["EventPattern"]!["account"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void Production_promotion_starts_on_a_passed_preproduction_release_and_waits_for_a_person()
    {
        var trigger = Rules(DeploymentStageKind.Production).Single(r => r["Targets"]!.ToJsonString().Contains("ModelPromotionStateMachine", StringComparison.Ordinal));

        Assert.Equal(["SUCCEEDED"], trigger["EventPattern"]!["detail"]!["status"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains($":states:eu-west-1:{PreProduction}:stateMachine:edgemlops-staged-preprod-edge-deployment", trigger["EventPattern"]!["detail"]!["stateMachineArn"]!.ToJsonString());
        Assert.Equal("true", Substitution(DeploymentStageKind.Production, "RequiresPersonApproval"));
        Assert.Equal("false", Substitution(DeploymentStageKind.PreProduction, "RequiresPersonApproval"));
        Assert.Equal(PreProduction, Substitution(DeploymentStageKind.Production, "SourceAccount"));
        Assert.Equal(Dev, Substitution(DeploymentStageKind.PreProduction, "SourceAccount"));
    }

    [Theory]
    [InlineData(DeploymentStageKind.Dev, PreProduction)]
    [InlineData(DeploymentStageKind.PreProduction, Production)]
    public void Promotion_events_are_forwarded_only_to_the_next_stage_default_bus(DeploymentStageKind stage, string next)
    {
        var forwarder = Rules(stage).Single(r => r["Description"]!.GetValue<string>().StartsWith("Sends ", StringComparison.Ordinal));
        var bus = $"arn:${{AWS::Partition}}:events:eu-west-1:{next}:event-bus/default";

        Assert.Equal(bus, Joined(Assert.Single(forwarder["Targets"]!.AsArray())!["Arn"]!));
        var puts = Statements(stage, "AWS::IAM::Policy", "PolicyDocument").Where(s => s["Action"]!.ToJsonString().Contains("events:PutEvents", StringComparison.Ordinal)).ToList();
        Assert.Equal(bus, Joined(Assert.Single(puts)["Resource"]!));
    }

    [Theory]
    [InlineData(DeploymentStageKind.PreProduction, Dev)]
    [InlineData(DeploymentStageKind.Production, PreProduction)]
    public void Promotion_role_reads_only_the_previous_stage_registry_and_registers_only_in_its_own_group(DeploymentStageKind stage, string source)
    {
        var statements = StagedTrainingFixture.Resources(fixture.Templates[stage], "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains("\"ModelPromotionStateMachineRole", StringComparison.Ordinal))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => s!.AsObject())
            .ToList();
        var describe = Assert.Single(statements, s => s["Action"]!.ToJsonString() == "\"sagemaker:DescribeModelPackage\"");
        var create = Assert.Single(statements, s => s["Action"]!.ToJsonString() == "\"sagemaker:CreateModelPackage\"");
        var ownAccount = stage == DeploymentStageKind.Production ? Production : PreProduction;

        Assert.Contains($":sagemaker:eu-west-1:{source}:model-package/", describe["Resource"]!.ToJsonString());
        Assert.DoesNotContain(ownAccount, describe["Resource"]!.ToJsonString());
        Assert.DoesNotContain(source, create["Resource"]!.ToJsonString());
        Assert.Contains("defect-detector", create["Resource"]!.ToJsonString());
    }

    [Theory]
    [InlineData(DeploymentStageKind.PreProduction, PreProduction, Dev, "edgemlops-staged-preprod")]
    [InlineData(DeploymentStageKind.Production, Production, PreProduction, "edgemlops-staged-prod")]
    public void Promotion_copies_from_the_previous_stage_only_into_its_own_promoted_folder_and_names_its_own_image(DeploymentStageKind stage, string own, string source, string prefix)
    {
        var statements = StagedTrainingFixture.Resources(fixture.Templates[stage], "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.ToJsonString().Contains("\"ModelPromotionStateMachineRole", StringComparison.Ordinal))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => s!.AsObject())
            .ToList();
        var read = Assert.Single(statements, s => s["Action"]!.ToJsonString() == "\"s3:GetObject\"");
        var write = Assert.Single(statements, s => s["Action"]!.ToJsonString() == "\"s3:PutObject\"");

        Assert.Equal($"arn:${{AWS::Partition}}:s3:::{prefix.Replace(stage == DeploymentStageKind.Production ? "prod" : "preprod", stage == DeploymentStageKind.Production ? "preprod" : "dev", StringComparison.Ordinal)}-training-{source}/*", Joined(read["Resource"]!));
        Assert.Contains("\"/promoted/*\"", write["Resource"]!.ToJsonString());
        Assert.DoesNotContain(source, write["Resource"]!.ToJsonString());
        Assert.StartsWith($"{own}.dkr.ecr.eu-west-1.amazonaws.com/{prefix}-training:", Substitution(stage, "ContainerImageUri"));
        Assert.Equal("eu-west-1", Substitution(stage, "SourceRegion"));
    }

    [Theory]
    [InlineData(DeploymentStageKind.Dev, "ENABLED")]
    [InlineData(DeploymentStageKind.PreProduction, "DISABLED")]
    [InlineData(DeploymentStageKind.Production, "DISABLED")]
    public void Only_dev_retrains_on_its_schedule_and_on_new_labels(DeploymentStageKind stage, string state)
    {
        var triggers = Rules(stage).Where(r => r["Description"]!.GetValue<string>().StartsWith("Retrains the model", StringComparison.Ordinal)
            || r["Description"]!.GetValue<string>().StartsWith("Counts the labeling app's new labels", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, triggers.Count);
        Assert.All(triggers, t => Assert.Equal(state, t["State"]!.GetValue<string>()));
    }

    [Fact]
    public void Dev_has_no_promotion_into_it()
    {
        Assert.DoesNotContain(StagedTrainingFixture.Resources(fixture.Templates[DeploymentStageKind.Dev], "AWS::StepFunctions::StateMachine"),
            r => r.Resource["Properties"]!["StateMachineName"]!.GetValue<string>().EndsWith("-model-promotion", StringComparison.Ordinal));
        Assert.Empty(StagedTrainingFixture.Resources(fixture.Templates[DeploymentStageKind.Dev], "AWS::Events::EventBusPolicy"));
    }

    private JsonObject Single(DeploymentStageKind stage, string type) =>
        Assert.Single(StagedTrainingFixture.Resources(fixture.Templates[stage], type)).Resource;

    private IEnumerable<JsonObject> Rules(DeploymentStageKind stage) =>
        StagedTrainingFixture.Resources(fixture.Templates[stage], "AWS::Events::Rule").Select(r => r.Resource["Properties"]!.AsObject());

    private IEnumerable<JsonObject> Statements(DeploymentStageKind stage, string type, string documentProperty) =>
        StagedTrainingFixture.Resources(fixture.Templates[stage], type)
            .SelectMany(r => r.Resource["Properties"]![documentProperty]!["Statement"]!.AsArray())
            .Select(s => s!.AsObject());

    private string Substitution(DeploymentStageKind stage, string name)
    {
        var id = fixture.PromotionStateMachineId(stage);
        return fixture.Templates[stage]["Resources"]![id]!["Properties"]!["DefinitionSubstitutions"]![name]!.GetValue<string>();
    }

    // A literal string, or an Fn::Join of literals and { Ref: AWS::Partition } written as ${AWS::Partition}.
    private static string Joined(JsonNode node) => node is JsonValue value
        ? value.GetValue<string>()
        : string.Concat(node["Fn::Join"]![1]!.AsArray().Select(part => part is JsonValue v ? v.GetValue<string>() : $"${{{part!["Ref"]!.GetValue<string>()}}}"));
}
