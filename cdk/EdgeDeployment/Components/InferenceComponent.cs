using Amazon.CDK;
using Amazon.CDK.AWS.GreengrassV2;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.EdgeDeployment.Components;

public sealed record InferenceComponentProps
{
    /// <summary>Validated settings (component names). Required.</summary>
    public required EdgeSettings Edge { get; init; }

    /// <summary>Where the repository is. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>The fleet whose token exchange role downloads the artifact. Required.</summary>
    public required EdgeFleet Fleet { get; init; }
}

/// <summary>
/// The inference component version: its zip uploaded as a CDK asset and registered with Greengrass under a
/// version derived from the zip's content hash (so it changes only when the content does).
/// PLACEHOLDER artifact: a folder with a README until <c>EdgeMlOps.Edge.Packaging.InferenceComponentPackager</c>
/// (edge-component) builds. TODO(edge-component): take the packager's zip path and content hash here.
/// </summary>
public sealed class InferenceComponent : Construct
{
    public const string PlaceholderArtifactFolder = "cdk/EdgeDeployment/Components/PlaceholderArtifact";

    public InferenceComponent(Construct scope, string id, InferenceComponentProps props)
        : base(scope, id)
    {
        Artifact = new Asset(this, "Artifact", new AssetProps
        {
            Path = props.Build.Resolve(PlaceholderArtifactFolder),
        });
        ComponentName = props.Edge.InferenceComponentName;
        ComponentVersion = ContentVersion.FromContentHash(Artifact.AssetHash);
        props.Fleet.GrantArtifactRead(Artifact.Bucket.BucketArn, Artifact.S3ObjectKey);

        var recipe = InferenceRecipe.Render(new InferenceRecipeInput(
            ComponentName,
            ComponentVersion,
            props.Edge.ModelComponentName,
            Artifact.S3ObjectUrl,
            props.Fleet.Topics));
        Resource = new CfnComponentVersion(this, "Resource", new CfnComponentVersionProps { InlineRecipe = recipe });
    }

    public Asset Artifact { get; }

    public CfnComponentVersion Resource { get; }

    public string ComponentName { get; }

    public string ComponentVersion { get; }
}
