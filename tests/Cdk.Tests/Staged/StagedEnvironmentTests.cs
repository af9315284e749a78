using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.QualityGates.Gates;

namespace EdgeMlOps.Cdk.Tests.Staged;

public sealed class StagedEnvironmentTests(StagedAssemblyFixture fixture) : IClassFixture<StagedAssemblyFixture>
{
    private const string Tooling = "111122223333";
    private const string Dev = "222233334444";
    private const string PreProduction = "333344445555";
    private const string Production = "444455556666";

    public static TheoryData<string> Pipelines => ["LabelingPipeline-staged", "TrainingPipeline-staged", "EdgeDeploymentPipeline-staged"];

    public static TheoryData<string> Gates => [CfnGuardGate.Name, AslValidationGate.Name, SdkIntegrationGate.Name, StateMachineRoleGate.Name];

    [Fact]
    public void Staged_synthesis_puts_only_the_pipelines_in_the_tooling_account_and_one_stage_per_account_below_each()
    {
        Assert.Equal(
            ["EdgeDeploymentPipeline-staged", "LabelingPipeline-staged", "TrainingPipeline-staged"],
            fixture.Assembly.Stacks.Select(s => s.StackName).Order(StringComparer.Ordinal));
        Assert.All(fixture.Assembly.Stacks, s => Assert.Equal($"aws://{Tooling}/eu-west-1", s.Environment.Name));

        var stages = fixture.StageStacks().Select(s => (s.Stage, s.Environment)).Order().ToList();
        var expected = new[] { "EdgeDeploymentPipeline-staged", "LabelingPipeline-staged", "TrainingPipeline-staged" }
            .SelectMany(p => new[] { ($"{p}/Dev", $"aws://{Dev}/eu-west-1"), ($"{p}/PreProduction", $"aws://{PreProduction}/eu-west-1"), ($"{p}/Production", $"aws://{Production}/eu-west-1") })
            .Order()
            .ToList();
        Assert.Equal(expected, stages);
    }

    [Fact]
    public void Each_stage_gets_its_own_environment_name_so_names_and_the_ssm_contract_differ_per_account()
    {
        var names = fixture.StageStacks()
            .Where(s => s.Stage.StartsWith("TrainingPipeline-staged/", StringComparison.Ordinal))
            .SelectMany(s => s.Template["Resources"]!.AsObject())
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::SSM::Parameter")
            .Select(r => r.Value!["Properties"]!["Name"]!.GetValue<string>())
            .ToList();

        Assert.Contains(names, n => n.StartsWith("/edgemlops/staged-dev/", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("/edgemlops/staged-preprod/", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("/edgemlops/staged-prod/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Pipeline_deploys_dev_then_preproduction_then_production_after_a_manual_approval(string pipeline)
    {
        var stages = PipelineStages(fixture.PipelineTemplate(pipeline));
        var names = stages.Select(s => s["Name"]!.GetValue<string>()).ToList();

        Assert.Equal(["Dev", "PreProduction", "Production"], names.Where(n => n is "Dev" or "PreProduction" or "Production"));
        Assert.True(names.IndexOf("Dev") < names.IndexOf("PreProduction") && names.IndexOf("PreProduction") < names.IndexOf("Production"));
        var production = stages.Single(s => s["Name"]!.GetValue<string>() == "Production")["Actions"]!.AsArray();
        var approval = Assert.Single(production, a => a!["ActionTypeId"]!["Category"]!.GetValue<string>() == "Approval");
        Assert.Equal(AssetPipelineStack.ProductionApprovalName, approval!["Name"]!.GetValue<string>());
        var deploys = production.Where(a => a!["ActionTypeId"]!["Category"]!.GetValue<string>() == "Deploy").ToList();
        Assert.NotEmpty(deploys);
        Assert.All(deploys, d => Assert.True(d!["RunOrder"]!.GetValue<int>() > approval["RunOrder"]!.GetValue<int>(), "a production deploy action runs before the approval"));

        // No other stage waits for a person: dev and pre-production deploy on every commit.
        Assert.All(stages.Where(s => s["Name"]!.GetValue<string>() != "Production").SelectMany(s => s["Actions"]!.AsArray()),
            a => Assert.NotEqual("Approval", a!["ActionTypeId"]!["Category"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Deploy_actions_assume_the_bootstrap_roles_of_their_target_account(string pipeline)
    {
        var stages = PipelineStages(fixture.PipelineTemplate(pipeline));

        foreach (var (stage, account) in new[] { ("Dev", Dev), ("PreProduction", PreProduction), ("Production", Production) })
        {
            var deploys = stages.Single(s => s["Name"]!.GetValue<string>() == stage)["Actions"]!.AsArray()
                .Where(a => a!["ActionTypeId"]!["Category"]!.GetValue<string>() == "Deploy")
                .ToList();
            Assert.NotEmpty(deploys);
            Assert.All(deploys, d => Assert.Contains($":iam::{account}:role/cdk-hnb659fds-deploy-role-{account}-eu-west-1", d!["RoleArn"]!.ToJsonString()));
            // The change set is created with the account's CloudFormation execution role (set by `cdk bootstrap
            // --cloudformation-execution-policies`); executing it needs no role of its own.
            var prepare = Assert.Single(deploys, d => d!["Configuration"]!["ActionMode"]!.GetValue<string>() == "CHANGE_SET_REPLACE");
            Assert.Contains($":iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-eu-west-1", prepare!["Configuration"]!["RoleArn"]!.ToJsonString());
        }
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Artifacts_are_kms_encrypted_and_only_the_target_accounts_deploy_roles_may_read_and_decrypt_them(string pipeline)
    {
        var resources = fixture.PipelineTemplate(pipeline)["Resources"]!.AsObject();
        var codePipeline = resources.Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::CodePipeline::Pipeline").Value!;
        var store = codePipeline["Properties"]!["ArtifactStore"]!;
        Assert.Equal("KMS", store["EncryptionKey"]!["Type"]!.GetValue<string>());
        var keyId = store["EncryptionKey"]!["Id"]!["Fn::GetAtt"]![0]!.GetValue<string>();

        var keyStatements = resources[keyId]!["Properties"]!["KeyPolicy"]!["Statement"]!.AsArray();
        var decrypt = Assert.Single(keyStatements, s => s!["Effect"]!.GetValue<string>() == "Allow" && s["Action"]!.ToJsonString().Contains("kms:Decrypt", StringComparison.Ordinal) && s["Principal"]!["AWS"] is JsonArray);
        Assert.Equal(DeployRoles(Dev, PreProduction, Production), Principals(decrypt!));

        var bucketPolicy = resources.Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::S3::BucketPolicy"
            && r.Value["Properties"]!["Bucket"]!.ToJsonString().Contains("\"Artifacts", StringComparison.Ordinal)
            && !r.Key.Contains("AccessLogs", StringComparison.Ordinal)).Value!;
        var reads = bucketPolicy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Where(s => s!["Effect"]!.GetValue<string>() == "Allow").ToList();
        var read = Assert.Single(reads);
        Assert.DoesNotContain("Put", read!["Action"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(DeployRoles(Dev, PreProduction, Production), Principals(read));

        // The pipeline's own role may assume exactly the three accounts' deploy roles, nothing wider.
        var assumed = resources.Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::IAM::Policy")
            .SelectMany(r => r.Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Action"]!.ToJsonString().Contains("sts:AssumeRole", StringComparison.Ordinal))
            .Select(s => s!["Resource"]!.ToJsonString())
            .ToList();
        Assert.DoesNotContain(assumed, r => r.Contains("\"*\"", StringComparison.Ordinal));
        foreach (var account in new[] { Dev, PreProduction, Production })
        {
            Assert.Contains(assumed, r => r.Contains($":iam::{account}:role/cdk-hnb659fds-deploy-role-{account}-eu-west-1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void No_stage_reads_a_cloudformation_export_so_no_stack_depends_on_another_account()
    {
        var stacks = fixture.StageStacks();

        Assert.Equal(9, stacks.Count);
        Assert.All(stacks, s => Assert.DoesNotContain("Fn::ImportValue", s.Template.ToJsonString(), StringComparison.Ordinal));
        Assert.All(stacks, s => Assert.Null(s.Template["Outputs"]?.AsObject().Select(o => o.Value!["Export"]).FirstOrDefault(e => e is not null)));
    }

    [Fact]
    public void Preproduction_holds_the_ec2_digital_twin_and_the_other_stages_follow_the_configuration()
    {
        static bool HasInstance(JsonObject template) => template["Resources"]!.AsObject().Any(r => r.Value!["Type"]!.GetValue<string>() == "AWS::EC2::Instance");
        var edge = fixture.StageStacks().Where(s => s.Stage.StartsWith("EdgeDeploymentPipeline-staged/", StringComparison.Ordinal)).ToDictionary(s => s.Stage, s => s.Template);

        Assert.True(HasInstance(edge["EdgeDeploymentPipeline-staged/PreProduction"]));
        Assert.False(HasInstance(edge["EdgeDeploymentPipeline-staged/Dev"]));
        Assert.False(HasInstance(edge["EdgeDeploymentPipeline-staged/Production"]));
    }

    [Theory]
    [MemberData(nameof(Gates))]
    public void Gate_passes_on_the_staged_assembly_with_zero_failures(string gate)
    {
        var result = Assert.Single(fixture.GateResults, r => r.Gate == gate);

        Assert.True(result.Checked > 0, $"{gate} checked nothing");
        Assert.True(result.Passed, $"{gate} failed:\n" + string.Join("\n", result.Failures.Select(f => $"{f.Source} | {f.Subject} | {f.Check}: {f.Message}")));
    }

    [Fact]
    public void Gates_see_the_pipelines_and_every_stage_template_of_the_staged_assembly()
    {
        var names = fixture.Templates.Select(t => t.Name).ToList();

        Assert.Equal(3, names.Count(n => n.EndsWith("Pipeline-staged.template.json", StringComparison.Ordinal)));
        Assert.Equal(9, names.Count(n => n.StartsWith("assembly-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Staged_only_workflows_are_deployed_in_the_staged_assembly()
    {
        var deployed = fixture.StageStacks()
            .SelectMany(s => s.Template["Resources"]!.AsObject())
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::StepFunctions::StateMachine")
            .Select(r => r.Value!["Metadata"]?["aslFile"]?.GetValue<string>())
            .ToList();

        Assert.All(AslValidationGate.StagedOnlyFiles, file => Assert.Equal(2, deployed.Count(d => d == file)));
    }

    private static List<JsonObject> PipelineStages(JsonObject template) =>
        template["Resources"]!.AsObject()
            .Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::CodePipeline::Pipeline").Value!["Properties"]!["Stages"]!.AsArray()
            .Select(s => s!.AsObject())
            .ToList();

    private static List<string> DeployRoles(params string[] accounts) =>
        accounts.Select(a => $"arn:${{AWS::Partition}}:iam::{a}:role/cdk-hnb659fds-deploy-role-{a}-eu-west-1").Order(StringComparer.Ordinal).ToList();

    // Principal.AWS entries as "arn:${AWS::Partition}:..." strings (the template writes them as Fn::Join).
    private static List<string> Principals(JsonNode statement) =>
        statement["Principal"]!["AWS"]!.AsArray()
            .Select(p => string.Concat(p!["Fn::Join"]![1]!.AsArray().Select(part => part is JsonValue v ? v.GetValue<string>() : "${AWS::Partition}")))
            .Order(StringComparer.Ordinal)
            .ToList();
}
