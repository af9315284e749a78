using EdgeMlOps.QualityGates.Cli;
using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class CliReportTests
{
    [Fact]
    public void The_suite_fails_a_broken_assembly_and_reports_every_gate_with_its_suppressions()
    {
        var templates = new[]
        {
            Repository.Template("guard/suppressed-unencrypted-bucket.template.json"),
            Repository.Template("iam/role-extra-action.template.json"),
        };

        var results = new QualityGateSuite(Repository.Layout).Run(templates, [Repository.Fixture("iam/workflow.asl.json")]);

        Assert.Equal([CfnGuardGate.Name, AslValidationGate.Name, SdkIntegrationGate.Name, StateMachineRoleGate.Name, AslStyleGate.Name], results.Select(r => r.Gate));
        // The fixture workflow names its states in sentence case, so the style gate fails it too.
        Assert.Equal([true, true, true, false, false], results.Select(r => r.Passed));
        var markdown = Reports.SuppressionsMarkdown(results);
        Assert.Contains("| guard/suppressed-unencrypted-bucket.template.json | DataBucket | s3_bucket_default_encryption_kms_check | Test fixture:", markdown);
        var console = new StringWriter();
        Reports.WriteConsole(results, console, ".build/suppressions.md");
        Assert.Contains("\n1 cfn-guard suppression used, each with its reason: .build/suppressions.md", console.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain("s3_bucket_default_encryption_kms_check", console.ToString());
        var json = System.Text.Json.JsonDocument.Parse(Reports.Json(results)).RootElement;
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal("extra-action", json.GetProperty("gates")[3].GetProperty("failures")[0].GetProperty("check").GetString());
    }

    [Fact]
    public void Parses_the_command_line_options()
    {
        var options = CliOptions.Parse(["--cdk-out", "out", "--statemachines", "sm", "--repo-root", ".", "--json", "r.json", "--suppressions-md", "s.md"]);

        Assert.Equal(new CliOptions { CdkOut = "out", StateMachines = "sm", RepoRoot = ".", JsonFile = "r.json", SuppressionsMarkdown = "s.md" }, options);
        Assert.Throws<ArgumentException>(() => CliOptions.Parse(["--unknown"]));
        Assert.Throws<ArgumentException>(() => CliOptions.Parse(["--json"]));
    }

    [Fact]
    public void Loads_no_templates_from_a_missing_cloud_assembly_but_says_so()
    {
        Assert.Throws<DirectoryNotFoundException>(() => CloudAssembly.LoadTemplates(Path.Combine(Path.GetTempPath(), "no-such-cdk-out-" + Guid.NewGuid())));
    }
}
