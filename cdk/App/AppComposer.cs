using Amazon.CDK;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Cdk.EdgeDeployment;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Cdk.Shared.Constructs;

namespace EdgeMlOps.Cdk.App;

/// <summary>
/// Adds the selected apps to a CDK App: for each, its Stage (deployable alone for development) and its
/// asset pipeline stack. Kept apart from Program so tests compose exactly what <c>cdk synth</c> does.
/// </summary>
public static class AppComposer
{
    /// <summary>Every app, in the order they depend on each other's SSM contract.</summary>
    public static IReadOnlyList<IEdgeMlOpsApp> AllApps { get; } = [new LabelingApp(), new TrainingApp(), new EdgeDeploymentApp()];

    /// <summary>The apps named by <c>-c app=...</c>; all of them when <paramref name="selection"/> is empty.</summary>
    public static IReadOnlyList<IEdgeMlOpsApp> Select(string? selection)
    {
        if (string.IsNullOrWhiteSpace(selection))
        {
            return AllApps;
        }

        var app = AllApps.FirstOrDefault(a => a.Name == selection);
        return app is null
            ? throw new ConfigurationException([$"context app must be one of {string.Join(", ", AllApps.Select(a => a.Name))} (or absent for all), got '{selection}'"])
            : [app];
    }

    public static void Compose(Amazon.CDK.App app, AppSettings settings, BuildOptions build, IReadOnlyList<IEdgeMlOpsApp> apps)
    {
        Tags.Of(app).Add("Project", "EdgeMlOpsInfra");
        Tags.Of(app).Add("Environment", settings.EnvironmentName);
        foreach (var edgeApp in apps)
        {
            // A staged environment deploys only through the tooling account's pipelines (one Stage per account).
            if (settings.Stages is null)
            {
                edgeApp.CreateStage(app, $"{edgeApp.PascalName}-{settings.EnvironmentName}", new AppStageProps
                {
                    Settings = settings,
                    Build = build,
                });
            }

            _ = new AssetPipelineStack(app, $"{edgeApp.PascalName}Pipeline-{settings.EnvironmentName}", new AssetPipelineStackProps
            {
                App = edgeApp,
                Settings = settings,
                Build = build,
            });
        }
    }
}
