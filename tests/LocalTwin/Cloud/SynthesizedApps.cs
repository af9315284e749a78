using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.App;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>A file asset of a synthesized stack and where <c>cdk deploy</c> uploads it.</summary>
public sealed record FileAsset(string SourcePath, bool IsDirectory, string BucketName, string ObjectKey);

/// <summary>
/// The three apps' development Stages synthesized in this process exactly as <c>cdk synth</c> builds them from
/// the given configuration — Lambda projects left unpublished (their handlers run in the twin's process) and the
/// inference component packaged for real — with each stack's template and file assets.
/// </summary>
public sealed class SynthesizedApps
{
    private SynthesizedApps(string directory, IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> templates, IReadOnlyList<FileAsset> assets)
    {
        Directory = directory;
        Templates = templates;
        Assets = assets;
    }

    /// <summary>The cloud assembly folder.</summary>
    public string Directory { get; }

    /// <summary>App name (labeling, training, edge) → its stacks' templates.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> Templates { get; }

    public IReadOnlyList<FileAsset> Assets { get; }

    /// <summary>Every template of every app.</summary>
    public IEnumerable<JsonObject> AllTemplates => Templates.Values.SelectMany(t => t);

    /// <summary>The app's template that holds a resource of <paramref name="resourceType"/>.</summary>
    public JsonObject TemplateWith(string app, string resourceType) =>
        Templates[app].FirstOrDefault(t => (t["Resources"] as JsonObject ?? []).Any(r => r.Value?["Type"]?.GetValue<string>() == resourceType))
        ?? throw new InvalidOperationException($"No {app} stack holds an {resourceType}.");

    public static SynthesizedApps Synthesize(AppSettings settings, string repositoryRoot, string outputDirectory)
    {
        if (System.IO.Directory.Exists(outputDirectory))
        {
            System.IO.Directory.Delete(outputDirectory, recursive: true);
        }

        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Outdir = outputDirectory });
        var build = new BuildOptions { RepositoryRoot = repositoryRoot, SkipFunctionBundling = true };
        var stageFolders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var edgeApp in AppComposer.AllApps)
        {
            var id = $"{edgeApp.PascalName}-{settings.EnvironmentName}";
            edgeApp.CreateStage(app, id, new AppStageProps { Settings = settings, Build = build });
            stageFolders[edgeApp.Name] = Path.Combine(outputDirectory, $"assembly-{id}");
        }

        app.Synth();
        var templates = stageFolders.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<JsonObject>)[.. System.IO.Directory.GetFiles(kv.Value, "*.template.json").Order(StringComparer.Ordinal).Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject())],
            StringComparer.Ordinal);
        var assets = stageFolders.Values.SelectMany(folder => System.IO.Directory.GetFiles(folder, "*.assets.json")).SelectMany(ReadAssets).ToList();
        return new SynthesizedApps(outputDirectory, templates, assets);
    }

    private static IEnumerable<FileAsset> ReadAssets(string manifestPath)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var (_, entry) in manifest["files"] as JsonObject ?? [])
        {
            var source = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(manifestPath)!, entry!["source"]!["path"]!.GetValue<string>()));
            var directory = entry["source"]!["packaging"]?.GetValue<string>() == "zip";
            foreach (var (_, destination) in entry["destinations"] as JsonObject ?? [])
            {
                yield return new FileAsset(source, directory, Placeholders(destination!["bucketName"]!.GetValue<string>()), Placeholders(destination["objectKey"]!.GetValue<string>()));
            }
        }
    }

    private static string Placeholders(string text) => text
        .Replace("${AWS::AccountId}", Testing.CloudFormation.FakeAws.AccountId, StringComparison.Ordinal)
        .Replace("${AWS::Region}", Testing.CloudFormation.FakeAws.Region, StringComparison.Ordinal)
        .Replace("${AWS::Partition}", Testing.CloudFormation.FakeAws.Partition, StringComparison.Ordinal);
}
