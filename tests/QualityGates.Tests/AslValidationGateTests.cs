using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Gates;

namespace EdgeMlOps.QualityGates.Tests;

public sealed class AslValidationGateTests
{
    private static readonly string s_valid = Repository.Fixture("asl/valid.asl.json");

    private static AslValidationGate Gate() =>
        new(new AslValidatorRunner(Repository.Layout.AslValidatorPackage), Repository.Layout.RepoRoot);

    [Fact]
    public void Passes_on_a_valid_definition_with_placeholders_inside_strings()
    {
        var result = Gate().Run([s_valid], []);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
    }

    [Fact]
    public void Fails_on_a_definition_that_points_at_a_missing_state()
    {
        var result = Gate().Run([Repository.Fixture("asl/invalid.asl.json")], []);

        Assert.Contains(result.Failures, f => f.Check == "MISSING_TRANSITION_TARGET" && f.Message.Contains("Announce the result", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_a_placeholder_stands_where_a_number_belongs()
    {
        var result = Gate().Run([Repository.Fixture("asl/placeholder-as-number.asl.json")], []);

        var failure = Assert.Single(result.Failures);
        Assert.Equal("NOT_JSON", failure.Check);
    }

    [Fact]
    public void Passes_when_the_state_machine_supplies_exactly_the_placeholders_of_its_file()
    {
        var result = Gate().Run([s_valid], [Repository.Template("asl/labeling-stack.template.json")]);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
        Assert.Equal(2, result.Checked);
    }

    [Fact]
    public void Fails_when_a_placeholder_is_not_supplied_and_a_substitution_is_not_used()
    {
        var result = Gate().Run([s_valid], [Repository.Template("asl/substitutions-mismatch.template.json")]);

        Assert.Collection(
            result.Failures,
            f => Assert.Equal(("placeholder-not-supplied", true), (f.Check, f.Message.StartsWith("${ResultTopicArn}", StringComparison.Ordinal))),
            f => Assert.Equal(("substitution-not-used", true), (f.Check, f.Message.StartsWith("DefinitionSubstitutions.ResultsTopicArn", StringComparison.Ordinal))));
        Assert.All(result.Failures, f => Assert.Equal("WorkflowResource", f.Subject));
    }

    [Fact]
    public void Fails_when_no_state_machine_is_built_from_an_asl_file()
    {
        var orphan = Repository.Fixture("asl/invalid.asl.json");

        var result = Gate().Run([s_valid, orphan], [Repository.Template("asl/labeling-stack.template.json")]);

        Assert.Contains(result.Failures, f => f.Check == "not-deployed" && f.Source == orphan);
        Assert.DoesNotContain(result.Failures, f => f.Check == "not-deployed" && f.Source == s_valid);
    }

    [Fact]
    public void A_partial_assembly_of_one_app_does_not_report_the_other_apps_workflows_as_not_deployed()
    {
        var otherApp = Repository.Fixture("asl/valid-other-app.asl.json");

        var result = Gate().Run([s_valid, otherApp], [Repository.Template("asl/labeling-stack.template.json")], partialAssembly: true);

        Assert.True(result.Passed, string.Join("\n", result.Failures));
    }

    [Fact]
    public void A_partial_assembly_still_validates_every_file()
    {
        var invalid = Repository.Fixture("asl/invalid.asl.json");

        var result = Gate().Run([s_valid, invalid], [Repository.Template("asl/labeling-stack.template.json")], partialAssembly: true);

        Assert.Contains(result.Failures, f => f.Source == invalid && f.Check != "not-deployed");
        Assert.DoesNotContain(result.Failures, f => f.Check == "not-deployed");
    }

    [Fact]
    public void Finds_every_placeholder_name()
    {
        Assert.Equal(["A", "B_2"], Placeholders.In("""{"x": "${A}", "y": "pre-${B_2}-${A}", "z": "$.notOne"}""").Order());
    }
}
