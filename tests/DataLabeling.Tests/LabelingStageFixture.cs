using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>The labeling stage synthesized once (jsii start-up is slow) from config/dev.yaml, bundling skipped.</summary>
public class LabelingStageFixture
{
    public LabelingStageFixture()
        : this(SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev"))
    {
    }

    protected LabelingStageFixture(AppSettings settings)
    {
        Settings = settings;
        var app = new App();
        Stage = new LabelingStage(app, "Labeling-dev", new AppStageProps
        {
            Settings = Settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        });
        Template = Template.FromStack(Stage.Workload);
        Json = JsonNode.Parse(JsonSerializer.Serialize(Template.ToJSON()))!.AsObject();
    }

    public AppSettings Settings { get; }

    public LabelingStage Stage { get; }

    public Template Template { get; }

    public JsonObject Json { get; }

    public IEnumerable<(string LogicalId, JsonObject Resource)> Resources(string type) =>
        Json["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!.AsObject()));
}

/// <summary>
/// The stage synthesized from config/dev.yaml with the public workforce enabled (0.036 USD per task) and
/// verification disabled: the other branches of the workflow.
/// </summary>
public sealed class PublicWorkforceStageFixture : LabelingStageFixture
{
    public PublicWorkforceStageFixture()
        : base(SettingsLoader.Parse(
            File.ReadAllText(RepositoryRoot.Combine("config", "dev.yaml"))
                .Replace("  publicWorkforce:\n    enabled: false", "  publicWorkforce:\n    enabled: true\n    taskPriceUsd: 0.036", StringComparison.Ordinal)
                .Replace("taskAvailabilityLifetimeSeconds: 864000", "taskAvailabilityLifetimeSeconds: 43200", StringComparison.Ordinal) // Mechanical Turk allows at most 12 hours
                .Replace("  verification:\n    enabled: true", "  verification:\n    enabled: false", StringComparison.Ordinal),
            "config/dev.yaml",
            "dev"))
    {
    }
}
