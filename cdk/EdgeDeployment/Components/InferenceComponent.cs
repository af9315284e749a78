using Amazon.CDK;
using Amazon.CDK.AWS.GreengrassV2;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Edge.Packaging;

namespace EdgeMlOps.Cdk.EdgeDeployment.Components;

public sealed record InferenceComponentProps
{
    /// <summary>Validated settings (component names). Required.</summary>
    public required EdgeSettings Edge { get; init; }

    /// <summary>Where the repository is; with SkipBundling a placeholder artifact replaces the packaged zip. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>The fleet whose token exchange role downloads the artifact. Required.</summary>
    public required EdgeFleet Fleet { get; init; }

    /// <summary>The device prerequisites component version the recipe depends on (HARD, exact version). Required.</summary>
    public required DevicePrerequisitesComponent Prerequisites { get; init; }
}

/// <summary>
/// The inference component version: the edge component published and zipped by
/// <see cref="InferenceComponentPackager"/> (deterministic zip), uploaded as a CDK file asset, and registered with
/// Greengrass with the recipe of <see cref="InferenceRecipeRenderer"/> under a version derived from the zip's
/// content hash and the recipe (which pins the device prerequisites version), so it changes only when the content
/// does. With <c>SkipBundling</c> (template tests) a placeholder
/// folder stands in for the zip and nothing is published.
/// </summary>
public sealed class InferenceComponent : Construct
{
    public const string PlaceholderArtifactFolder = "cdk/EdgeDeployment/Components/PlaceholderArtifact";
    public const string ComponentProject = "edge-component/src/EdgeMlOps.Edge.Component/EdgeMlOps.Edge.Component.csproj";
    public const string SampleImagesFolder = "tests/data/edge/images";
    public const string PackageOutputFolder = ".build/edge-inference";

    public InferenceComponent(Construct scope, string id, InferenceComponentProps props)
        : base(scope, id)
    {
        string contentHash;
        if (props.Build.SkipBundling)
        {
            Artifact = new Asset(this, "Artifact", new AssetProps { Path = props.Build.Resolve(PlaceholderArtifactFolder) });
            contentHash = Artifact.AssetHash;
        }
        else
        {
            var package = Package(props.Build);
            Artifact = new Asset(this, "Artifact", new AssetProps { Path = package.ZipPath });
            contentHash = package.ContentHash;
        }

        ComponentName = props.Edge.InferenceComponentName;
        var topics = props.Fleet.Topics;
        InferenceRecipeProps Recipe(string version, string artifactUri) => new()
        {
            ComponentName = ComponentName,
            ComponentVersion = version,
            ArtifactUri = artifactUri,
            // Greengrass unpacks a zip into a folder named after the artifact's file name, the asset's key here.
            ArchiveName = Path.GetFileNameWithoutExtension(Artifact.S3ObjectKey),
            ModelComponentName = props.Edge.ModelComponentName,
            PrerequisitesComponentName = props.Prerequisites.ComponentName,
            PrerequisitesVersionRequirement = props.Prerequisites.VersionRequirement,
            ResultsTopic = topics.Results(ComponentTopics.ComponentThingNamePlaceholder),
            HealthTopic = topics.Health(ComponentTopics.ComponentThingNamePlaceholder),
        };

        // The version covers the zip and the recipe (topics, names, lifecycle): a recipe change without a new zip
        // must not try to register different content under an existing version.
        var recipeTemplate = InferenceRecipeRenderer.Render(Recipe("0.0.0", "s3://artifact/placeholder.zip"));
        ComponentVersion = ContentVersion.FromContentHash(ContentVersion.Combine(contentHash, recipeTemplate));
        props.Fleet.GrantArtifactRead(Artifact.Bucket.BucketArn, Artifact.S3ObjectKey);
        var recipe = InferenceRecipeRenderer.Render(Recipe(ComponentVersion, Artifact.S3ObjectUrl));
        Resource = new CfnComponentVersion(this, "Resource", new CfnComponentVersionProps { InlineRecipe = recipe });
    }

    public Asset Artifact { get; }

    public CfnComponentVersion Resource { get; }

    public string ComponentName { get; }

    public string ComponentVersion { get; }

    private static InferencePackage Package(BuildOptions build)
    {
        var output = build.Resolve(PackageOutputFolder);
        var packager = new InferenceComponentPackager(new InferenceComponentPackagerProps
        {
            PublishedDirectory = Publish(build.Resolve(ComponentProject), Path.Combine(output, "publish-app")),
            SampleImagesDirectory = build.Resolve(SampleImagesFolder),
            OutputDirectory = output,
        });
        return packager.PackageAsync().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Publishes the component like the packager does, but without the git commit in the assemblies'
    /// informational version: otherwise every commit anywhere in the repository would change the zip, and with it
    /// the component version. (TODO(edge-component): the packager's own publish could pass the same property.)
    /// </summary>
    private static string Publish(string project, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "publish", project, "-c", "Release", "-o", output, "--nologo",
            "-p:UseAppHost=false", "-p:SelfContained=false", "-p:DebugType=none", "-p:GenerateDocumentationFile=false",
            "-p:ContinuousIntegrationBuild=true", "-p:IncludeSourceRevisionInInformationalVersion=false",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("Cannot start dotnet to publish the inference component");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }

        return output;
    }
}
