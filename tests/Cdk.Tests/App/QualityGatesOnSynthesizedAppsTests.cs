using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.App;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;
using EdgeMlOps.QualityGates.Tools;

namespace EdgeMlOps.Cdk.Tests.App;

/// <summary>
/// The three apps as <c>cdk synth</c> composes them (bundling skipped), written to a temporary cloud assembly
/// and checked by the same gate suite the quality-gate CLI runs. Synthesized and checked once for the class:
/// synthesis and cfn-guard are the slow parts, and the jsii kernel must not be used from two tests at a time
/// (the assembly disables test parallelization).
/// </summary>
public sealed class SynthesizedAppsGateFixture : IDisposable
{
    public SynthesizedAppsGateFixture()
    {
        CloudAssemblyFolder = Directory.CreateTempSubdirectory("edgemlops-gates-").FullName;
        // The feature flags of cdk.json change the templates (e.g. access-log delivery by bucket policy instead
        // of an ACL), so the app gets the same context the CDK CLI would give it.
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Outdir = CloudAssemblyFolder, Context = CdkJsonContext() });
        // The shipped dev configuration with the EC2 digital twin switched on, so the gates cover its VPC, instance
        // and role too (dev.yaml leaves it off).
        var dev = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev");
        var settings = dev with { Edge = dev.Edge with { DigitalTwin = dev.Edge.DigitalTwin with { Enabled = true } } };
        AppComposer.Compose(app, settings, new BuildOptions { RepositoryRoot = TestPaths.RepositoryRoot, SkipBundling = true }, AppComposer.AllApps);
        app.Synth();

        var layout = new RepositoryLayout(TestPaths.RepositoryRoot);
        var suite = new QualityGateSuite(layout);
        Templates = CloudAssembly.LoadTemplates(CloudAssemblyFolder);
        AslFiles = suite.AslFilesIn(Path.Combine(TestPaths.RepositoryRoot, "statemachines"));
        Results = suite.Run(Templates, AslFiles);
    }

    public string CloudAssemblyFolder { get; }

    public IReadOnlyList<TemplateFile> Templates { get; }

    public IReadOnlyList<string> AslFiles { get; }

    public IReadOnlyList<GateResult> Results { get; }

    public void Dispose() => Directory.Delete(CloudAssemblyFolder, recursive: true);

    internal static Dictionary<string, object> CdkJsonContext()
    {
        var context = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "cdk.json")))!["context"]!.AsObject();
        return context.ToDictionary(entry => entry.Key, entry => ToContextValue(entry.Value!));
    }

    private static object ToContextValue(JsonNode node) => node switch
    {
        JsonArray array => array.Select(item => ToContextValue(item!)).ToArray(),
        JsonValue value when value.TryGetValue(out bool flag) => flag,
        JsonValue value when value.TryGetValue(out double number) => number,
        _ => node.GetValue<string>(),
    };
}

public sealed class QualityGatesOnSynthesizedAppsTests(SynthesizedAppsGateFixture fixture) : IClassFixture<SynthesizedAppsGateFixture>
{
    public static TheoryData<string> Gates => [CfnGuardGate.Name, AslValidationGate.Name, SdkIntegrationGate.Name, StateMachineRoleGate.Name];

    [Theory]
    [MemberData(nameof(Gates))]
    public void Gate_passes_on_the_synthesized_apps_with_zero_failures(string gate)
    {
        var result = Assert.Single(fixture.Results, r => r.Gate == gate);

        Assert.True(result.Checked > 0, $"{gate} checked nothing");
        Assert.True(result.Passed, $"{gate} failed:\n" + string.Join("\n", result.Failures.Select(f => $"{f.Source} | {f.Subject} | {f.Check}: {f.Message}")));
    }

    [Fact]
    public void Every_suppression_applied_to_the_synthesized_apps_is_listed_in_the_readme()
    {
        var section = ReadmeTests.ReadmeSection("Suppressions");
        var applied = fixture.Results.SelectMany(r => r.Suppressions).ToList();

        Assert.NotEmpty(applied);
        var missing = applied.Where(s => !section.Contains($"`{s.Rule}`", StringComparison.Ordinal) || !section.Contains(s.Reason, StringComparison.Ordinal))
            .Select(s => $"{s.Template} | {s.Resource} | {s.Rule}: {s.Reason}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "README 'Suppressions' lacks (rule and reason):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Gates_see_every_stage_and_pipeline_template_and_every_workflow_file()
    {
        var names = fixture.Templates.Select(t => Path.GetFileName(t.Name)).ToList();

        // Three pipeline stacks at the top, and the stage stacks twice each: the dev Stage and the pipeline's Deploy stage.
        Assert.Contains("LabelingPipeline-dev.template.json", names);
        Assert.Contains("TrainingPipeline-dev.template.json", names);
        Assert.Contains("EdgeDeploymentPipeline-dev.template.json", names);
        Assert.True(fixture.Templates.Count(t => t.Name.StartsWith("assembly-", StringComparison.Ordinal)) >= 6, string.Join(", ", names));
        Assert.Equal(["statemachines/edge-deployment.asl.json", "statemachines/labeling.asl.json", "statemachines/model-promotion.asl.json", "statemachines/training.asl.json"], fixture.AslFiles);
    }
}
