using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.EdgeDeployment;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeDeployment.Tests.Template;

/// <summary>
/// The edge stage synthesized once per test class (jsii start-up is slow): with the shipped dev configuration, and
/// a second time with the digital twin switched on.
/// </summary>
public sealed class EdgeStageFixture
{
    public EdgeStageFixture()
    {
        RepositoryRoot = RepositoryLocator.FindRoot(AppContext.BaseDirectory);
        Settings = SettingsLoader.LoadEnvironment(RepositoryRoot, "dev");
        var build = new BuildOptions { RepositoryRoot = RepositoryRoot, SkipBundling = true };
        var app = new App();
        Stage = new EdgeDeploymentStage(app, "Edge", new AppStageProps { Settings = Settings, Build = build });
        TwinSettings = Settings with { Edge = Settings.Edge with { DigitalTwin = Settings.Edge.DigitalTwin with { Enabled = true } } };
        TwinStage = new EdgeDeploymentStage(app, "EdgeTwin", new AppStageProps { Settings = TwinSettings, Build = build });
        Template = Amazon.CDK.Assertions.Template.FromStack(Stage.Workload);
        TwinTemplate = Amazon.CDK.Assertions.Template.FromStack(TwinStage.Workload);
        TemplateJson = JsonNode.Parse(JsonSerializer.Serialize(Template.ToJSON()))!.AsObject();
        TwinTemplateJson = JsonNode.Parse(JsonSerializer.Serialize(TwinTemplate.ToJSON()))!.AsObject();
    }

    /// <summary>
    /// The synthesized edge workflow under the strict harness, with the SSM parameters the other apps publish for it
    /// (what every workflow test class starts from).
    /// </summary>
    public LocalStateMachine NewWorkflow() => LocalStateMachine.FromTemplate(TemplateJson, options: new LocalStateMachineOptions
    {
        SsmParameters = new Dictionary<string, string>
        {
            ["/edgemlops/dev/training/model-package-group-name"] = "metal-tag-detector",
            ["/edgemlops/dev/labeling/data-bucket-name"] = "labeling-data-bucket",
            ["/edgemlops/dev/labeling/capture-prefix"] = "images/captured/",
        },
    });

    /// <summary>A thing group value (thingGroupArn, thingGroupName) that a targeting state (TargetTheCanaryGroup, TargetTheFleetGroup) of the workflow sets.</summary>
    public static string Group(LocalStateMachine machine, string state, string field = "thingGroupArn") =>
        machine.Definition["States"]![state]!["Result"]![field]!.GetValue<string>();

    public string RepositoryRoot { get; }

    public AppSettings Settings { get; }

    public AppSettings TwinSettings { get; }

    public EdgeDeploymentStage Stage { get; }

    public EdgeDeploymentStage TwinStage { get; }

    public Amazon.CDK.Assertions.Template Template { get; }

    public Amazon.CDK.Assertions.Template TwinTemplate { get; }

    public JsonObject TemplateJson { get; }

    public JsonObject TwinTemplateJson { get; }

    /// <summary>Resources of a type, as (logical id, resource JSON).</summary>
    public static IEnumerable<(string Id, JsonObject Resource)> Resources(JsonObject template, string type) =>
        (template["Resources"] as JsonObject ?? [])
            .Where(kv => kv.Value?["Type"]?.GetValue<string>() == type)
            .Select(kv => (kv.Key, kv.Value!.AsObject()));

    /// <summary>A JSON value as a list: a single item becomes a one-item list.</summary>
    public static IReadOnlyList<JsonNode?> List(JsonNode? node) => node is JsonArray array ? [.. array] : [node];

    /// <summary>A resource ARN as text: literal strings as is, Fn::Join parts concatenated with "{token}" for references.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join(join[0]!.GetValue<string>(), (join[1] as JsonArray ?? []).Select(Text)),
        _ => "{token}",
    };
}

/// <summary>One synthesized stage for every class that needs it: jsii must not start twice at once.</summary>
[Xunit.CollectionDefinition(Name)]
public sealed class EdgeStageCollection : Xunit.ICollectionFixture<EdgeStageFixture>
{
    public const string Name = "Edge stage";
}
