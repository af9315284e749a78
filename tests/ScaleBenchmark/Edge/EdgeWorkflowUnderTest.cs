using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using EdgeMlOps.Cdk.EdgeDeployment;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ScaleBenchmark.Edge;

/// <summary>
/// The edge stage synthesized from config/dev.yaml (the template and the settings it was built from), the way the
/// edge tests build it. Synthesis starts jsii, which must not run twice at once: the benchmark synthesizes once
/// (<see cref="Dev"/>); tests pass the template their fixture already built.
/// </summary>
/// <param name="Template">The workload stack's CloudFormation template.</param>
/// <param name="Settings">The settings it was synthesized with.</param>
public sealed record EdgeWorkflowUnderTest(JsonObject Template, AppSettings Settings)
{
    private static readonly Lazy<EdgeWorkflowUnderTest> s_dev = new(Synthesize);

    /// <summary>The shipped dev configuration's edge stage, synthesized on first use.</summary>
    public static EdgeWorkflowUnderTest Dev => s_dev.Value;

    /// <summary>The SSM parameters the edge template resolves at deploy time (written by the training and labeling apps).</summary>
    public static IReadOnlyDictionary<string, string> SsmParameters { get; } = new Dictionary<string, string>
    {
        ["/edgemlops/dev/training/model-package-group-name"] = "metal-tag-detector",
        ["/edgemlops/dev/labeling/data-bucket-name"] = "labeling-data-bucket",
        ["/edgemlops/dev/labeling/capture-prefix"] = "images/captured/",
    };

    private static EdgeWorkflowUnderTest Synthesize()
    {
        var settings = SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev");
        var stage = new EdgeDeploymentStage(new App(), "Edge-scale", new AppStageProps
        {
            Settings = settings,
            Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
        });
        var template = JsonNode.Parse(JsonSerializer.Serialize(Amazon.CDK.Assertions.Template.FromStack(stage.Workload).ToJSON()))!.AsObject();
        return new EdgeWorkflowUnderTest(template, settings);
    }
}
