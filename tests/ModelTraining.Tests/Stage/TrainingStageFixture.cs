using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

/// <summary>The training stage synthesized once per test class from config/dev.yaml (jsii start-up is slow).</summary>
public sealed class TrainingStageFixture : IDisposable
{
    public TrainingStageFixture()
    {
        Outdir = Directory.CreateTempSubdirectory("training-stage-").FullName;
        Settings = SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev");
        Stage = Synthesize(Settings, Outdir);
        Template = Template.FromStack(Stage.Workload);
        Json = JsonNode.Parse(JsonSerializer.Serialize(Template.ToJSON()))!;
    }

    public string Outdir { get; }

    public AppSettings Settings { get; }

    public TrainingStage Stage { get; }

    public Template Template { get; }

    /// <summary>The Workload template as JSON, for the local state machine harness and JSON queries.</summary>
    public JsonNode Json { get; }

    public static TrainingStage Synthesize(AppSettings settings, string outdir)
    {
        var app = new App(new AppProps { Outdir = outdir });
        return new TrainingStage(app, $"Training-{settings.EnvironmentName}", new AppStageProps
        {
            Settings = settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        });
    }

    /// <summary>Resources of one type by logical id.</summary>
    public IEnumerable<(string LogicalId, JsonObject Resource)> Resources(string type) =>
        Json["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!.AsObject()));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Outdir, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }
}
