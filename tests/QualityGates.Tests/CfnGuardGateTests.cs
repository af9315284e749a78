using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Guard;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class CfnGuardGateTests
{
    private const string EncryptionRule = "s3_bucket_default_encryption_kms_check";

    private static CfnGuardGate Gate(string? rules = null) =>
        new(new CfnGuardRunner(Repository.Layout.CfnGuardBinary, rules ?? Repository.Layout.ControlTowerRules));

    [Fact]
    public void Passes_on_a_bucket_that_meets_every_control_tower_rule()
    {
        var result = Gate().Run([Repository.Template("guard/compliant-bucket.template.json")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Equal(1, result.Checked);
    }

    [Fact]
    public void Fails_on_an_unencrypted_bucket_naming_the_resource_and_the_control()
    {
        var result = Gate().Run([Repository.Template("guard/unencrypted-bucket.template.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal("guard/unencrypted-bucket.template.json", failure.Source);
        Assert.Equal("DataBucket", failure.Subject);
        Assert.Equal(EncryptionRule, failure.Check);
        Assert.StartsWith("[CT.S3.PR.10]", failure.Message);
    }

    [Fact]
    public void Waives_a_failure_suppressed_with_a_reason_on_that_resource_and_reports_the_suppression()
    {
        var result = Gate().Run([Repository.Template("guard/suppressed-unencrypted-bucket.template.json")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
        var suppression = Assert.Single(result.Suppressions);
        Assert.Equal(("DataBucket", EncryptionRule), (suppression.Resource, suppression.Rule));
        Assert.Contains("S3-managed keys", suppression.Reason);
    }

    [Fact]
    public void Fails_when_a_suppression_has_no_reason()
    {
        var result = Gate().Run([Repository.Template("guard/suppression-without-reason.template.json")]);

        Assert.Empty(result.Suppressions);
        Assert.Equal(2, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Equal(("DataBucket", EncryptionRule), (f.Subject, f.Check)));
        Assert.Contains(result.Failures, f => f.Message.Contains("has no reason", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_the_suppression_is_on_another_resource()
    {
        var result = Gate().Run([Repository.Template("guard/suppression-on-other-resource.template.json")]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("DataBucket", EncryptionRule), (failure.Subject, failure.Check));
        Assert.Empty(result.Suppressions);
    }

    [Fact]
    public void Attributes_failures_to_the_right_template_when_several_run_in_one_process()
    {
        var result = Gate().Run(
        [
            Repository.Template("guard/compliant-bucket.template.json"),
            Repository.Template("guard/unencrypted-bucket.template.json"),
            Repository.Template("guard/suppressed-unencrypted-bucket.template.json"),
        ]);

        Assert.Equal(3, result.Checked);
        Assert.Equal("guard/unencrypted-bucket.template.json", Assert.Single(result.Failures).Source);
        Assert.Equal("guard/suppressed-unencrypted-bucket.template.json", Assert.Single(result.Suppressions).Template);
    }

    [Fact]
    public void Reports_a_rule_file_cfn_guard_cannot_parse_and_still_evaluates_the_others()
    {
        var rules = Directory.CreateTempSubdirectory("guard-rules");
        try
        {
            File.Copy(Path.Combine(Repository.Layout.ControlTowerRules, "s3", "ct-s3-pr-10.guard"), Path.Combine(rules.FullName, "ct-s3-pr-10.guard"));
            File.WriteAllText(Path.Combine(rules.FullName, "broken.guard"), "rule broken_rule {\n  Resources.*[ Type == \"AWS::S3::Bucket\"\n");

            var result = Gate(rules.FullName).Run([Repository.Template("guard/unencrypted-bucket.template.json")]);

            Assert.Contains(result.Failures, f => f.Check == "rule-not-parsed" && f.Message.Contains("broken.guard", StringComparison.Ordinal));
            Assert.Contains(result.Failures, f => f.Check == EncryptionRule);
        }
        finally
        {
            rules.Delete(recursive: true);
        }
    }

    [Fact]
    public void Fails_with_a_tool_error_instead_of_crashing_when_cfn_guard_is_missing()
    {
        var gate = new CfnGuardGate(new CfnGuardRunner("/nonexistent/cfn-guard", Repository.Layout.ControlTowerRules));

        var result = gate.Run([Repository.Template("guard/compliant-bucket.template.json")]);

        Assert.Equal("tool-error", Assert.Single(result.Failures).Check);
    }

    [Theory]
    [InlineData("s3_bucket_default_encryption_kms_check")]
    [InlineData("CT.S3.PR.10")]
    public void A_suppression_names_the_rule_or_its_control_id(string listed)
    {
        var entry = new GuardSuppressionEntry(listed, "reason");

        Assert.True(entry.Covers(EncryptionRule, "[CT.S3.PR.10]: Require an Amazon S3 bucket to have server-side encryption"));
        Assert.False(entry.Covers("s3_bucket_versioning_enabled_check", "[CT.S3.PR.1]: Require versioning"));
    }

    [Fact]
    public void Loads_templates_of_nested_stage_assemblies_and_skips_asset_folders()
    {
        var cdkOut = Directory.CreateTempSubdirectory("cdk.out");
        try
        {
            var source = Repository.FullPath(Repository.Fixture("guard/compliant-bucket.template.json"));
            Directory.CreateDirectory(Path.Combine(cdkOut.FullName, "assembly-Dev"));
            Directory.CreateDirectory(Path.Combine(cdkOut.FullName, "asset.abc123"));
            File.Copy(source, Path.Combine(cdkOut.FullName, "Pipeline.template.json"));
            File.Copy(source, Path.Combine(cdkOut.FullName, "assembly-Dev", "DevLabeling.template.json"));
            File.Copy(source, Path.Combine(cdkOut.FullName, "asset.abc123", "Bundled.template.json"));
            File.WriteAllText(Path.Combine(cdkOut.FullName, "manifest.json"), "{}");

            var names = CloudAssembly.LoadTemplates(cdkOut.FullName).Select(t => t.Name);

            Assert.Equal(["Pipeline.template.json", "assembly-Dev/DevLabeling.template.json"], names);
        }
        finally
        {
            cdkOut.Delete(recursive: true);
        }
    }
}
