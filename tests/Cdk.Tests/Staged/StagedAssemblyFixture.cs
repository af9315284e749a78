using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.App;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Tests.App;
using EdgeMlOps.QualityGates.Gates;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;
using EdgeMlOps.QualityGates.Tools;

namespace EdgeMlOps.Cdk.Tests.Staged;

/// <summary>
/// The shipped <c>config/staged.yaml</c> composed as <c>cdk synth -c env=staged</c> does (bundling skipped), written to
/// a temporary cloud assembly once for the class and checked by the quality-gate suite.
/// </summary>
public sealed class StagedAssemblyFixture : IDisposable
{
    public StagedAssemblyFixture()
    {
        Folder = Directory.CreateTempSubdirectory("edgemlops-staged-").FullName;
        Settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "staged");
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Outdir = Folder, Context = SynthesizedAppsGateFixture.CdkJsonContext() });
        AppComposer.Compose(app, Settings, new BuildOptions { RepositoryRoot = TestPaths.RepositoryRoot, SkipBundling = true }, AppComposer.AllApps);
        Assembly = app.Synth();

        var suite = new QualityGateSuite(new RepositoryLayout(TestPaths.RepositoryRoot));
        Templates = CloudAssembly.LoadTemplates(Folder);
        GateResults = suite.Run(Templates, suite.AslFilesIn(Path.Combine(TestPaths.RepositoryRoot, "statemachines")));
    }

    public string Folder { get; }

    public AppSettings Settings { get; }

    public Amazon.CDK.CXAPI.CloudAssembly Assembly { get; }

    public IReadOnlyList<TemplateFile> Templates { get; }

    public IReadOnlyList<GateResult> GateResults { get; }

    /// <summary>The parsed template of a top-level (tooling) stack.</summary>
    public JsonObject PipelineTemplate(string stackName) =>
        JsonNode.Parse(File.ReadAllText(Assembly.GetStackByName(stackName).TemplateFullPath))!.AsObject();

    /// <summary>Every stack deployed by a pipeline stage, with its environment and parsed template.</summary>
    public IReadOnlyList<(string Stage, string Environment, JsonObject Template)> StageStacks() =>
        Assembly.NestedAssemblies
            .SelectMany(nested => nested.NestedAssembly.Stacks.Select(stack => (
                nested.DisplayName,
                stack.Environment.Name,
                JsonNode.Parse(File.ReadAllText(stack.TemplateFullPath))!.AsObject())))
            .ToList();

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
