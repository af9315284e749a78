using EdgeMlOps.Cdk.App;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Tests.App;

public sealed class AppComposerTests
{
    [Fact]
    public void Composes_a_stage_and_an_asset_pipeline_for_each_of_the_three_apps()
    {
        var assembly = Synthesize(AppComposer.Select(null));

        var stacks = assembly.Stacks.Select(s => s.StackName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["EdgeDeploymentPipeline-dev", "LabelingPipeline-dev", "TrainingPipeline-dev"], stacks);
        var stages = assembly.NestedAssemblies.Select(a => a.DisplayName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["EdgeDeployment-dev", "EdgeDeploymentPipeline-dev/Deploy", "Labeling-dev", "LabelingPipeline-dev/Deploy", "Training-dev", "TrainingPipeline-dev/Deploy"],
            stages);
    }

    [Fact]
    public void Selecting_one_app_composes_only_that_app()
    {
        var assembly = Synthesize(AppComposer.Select("training"));

        Assert.Equal(["TrainingPipeline-dev"], assembly.Stacks.Select(s => s.StackName));
        Assert.Equal(["Training-dev", "TrainingPipeline-dev/Deploy"], assembly.NestedAssemblies.Select(a => a.DisplayName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fails_if_the_selected_app_does_not_exist()
    {
        var e = Assert.Throws<ConfigurationException>(() => AppComposer.Select("inference"));

        Assert.Equal(["context app must be one of labeling, training, edge (or absent for all), got 'inference'"], e.Problems);
    }

    [Fact]
    public void Asset_pipeline_installs_the_pinned_toolchain_and_synthesizes_only_its_app_without_privileged_docker()
    {
        var assembly = Synthesize(AppComposer.Select("labeling"));
        var template = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(assembly.GetStackByName("LabelingPipeline-dev").TemplateFullPath))!;

        var projects = template["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::CodeBuild::Project").Select(r => r.Value!).ToList();
        Assert.NotEmpty(projects);
        Assert.All(projects, p => Assert.NotEqual(true, p["Properties"]!["Environment"]!["PrivilegedMode"]?.GetValue<bool>()));
        var buildSpecs = string.Join("\n", projects.Select(p => p["Properties"]!["Source"]!["BuildSpec"]!.ToJsonString()));
        Assert.Contains("dotnet-install.sh --jsonfile global.json", buildSpecs);
        Assert.Contains("npm ci --ignore-scripts", buildSpecs);
        Assert.Contains("npx cdk synth -c app=labeling -c env=dev", buildSpecs);
    }

    private static Amazon.CDK.CXAPI.CloudAssembly Synthesize(IReadOnlyList<IEdgeMlOpsApp> apps)
    {
        var outdir = Directory.CreateTempSubdirectory("cdk-test-").FullName;
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Outdir = outdir });
        var settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev");
        AppComposer.Compose(app, settings, new BuildOptions { RepositoryRoot = TestPaths.RepositoryRoot, SkipBundling = true }, apps);
        return app.Synth();
    }
}
