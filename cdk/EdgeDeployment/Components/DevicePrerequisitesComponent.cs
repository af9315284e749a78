using Amazon.CDK.AWS.GreengrassV2;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Edge.Packaging;

namespace EdgeMlOps.Cdk.EdgeDeployment.Components;

public sealed record DevicePrerequisitesComponentProps
{
    /// <summary>Validated settings (the inference and model component names the name is derived from). Required.</summary>
    public required EdgeSettings Edge { get; init; }

    /// <summary>Where the repository is (the install script is read from it). Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>The fleet whose token exchange role downloads the script. Required.</summary>
    public required EdgeFleet Fleet { get; init; }
}

/// <summary>
/// The device prerequisites component version: <c>edge-component/prerequisites/install-device-prerequisites.sh</c>
/// uploaded as a CDK file asset and registered with the recipe of <see cref="DevicePrerequisitesRecipeRenderer"/>
/// (an Install step as root that installs the .NET runtime and libturbojpeg when missing), under a version derived
/// from the script and the recipe. The inference component depends on exactly this version (HARD), and the edge
/// workflow puts it into every deployment, so every core device — the EC2 digital twin included — gets it before
/// inference starts. The script is small and needs no build, so it is the real artifact in template tests too.
/// </summary>
public sealed class DevicePrerequisitesComponent : Construct
{
    /// <summary>The last segment of the component name; the rest is the inference component's namespace.</summary>
    public const string NameSuffix = "DevicePrerequisites";

    public DevicePrerequisitesComponent(Construct scope, string id, DevicePrerequisitesComponentProps props)
        : base(scope, id)
    {
        ComponentName = NameFor(props.Edge);
        Script = new Asset(this, "Script", new AssetProps { Path = props.Build.Resolve(DevicePrerequisitesRecipeProps.ScriptPath) });
        DevicePrerequisitesRecipeProps Recipe(string version, string scriptUri) => new()
        {
            ComponentName = ComponentName,
            ComponentVersion = version,
            ScriptArtifactUri = scriptUri,
        };

        // The version covers the script and the recipe: either changing must register a new version.
        var recipeTemplate = DevicePrerequisitesRecipeRenderer.Render(Recipe("0.0.0", $"s3://artifact/{Script.S3ObjectKey}"));
        ComponentVersion = ContentVersion.FromContentHash(ContentVersion.Combine(Script.AssetHash, recipeTemplate));
        props.Fleet.GrantArtifactRead(Script.Bucket.BucketArn, Script.S3ObjectKey, "DevicePrerequisitesArtifact");
        Resource = new CfnComponentVersion(this, "Resource", new CfnComponentVersionProps
        {
            InlineRecipe = DevicePrerequisitesRecipeRenderer.Render(Recipe(ComponentVersion, Script.S3ObjectUrl)),
        });
    }

    public Asset Script { get; }

    public CfnComponentVersion Resource { get; }

    public string ComponentName { get; }

    public string ComponentVersion { get; }

    /// <summary>What the inference component's recipe requires: exactly this version.</summary>
    public string VersionRequirement => $"={ComponentVersion}";

    /// <summary>
    /// The component's name: the inference component's namespace plus <see cref="NameSuffix"/>
    /// (<c>com.edgemlops.Inference</c> → <c>com.edgemlops.DevicePrerequisites</c>). Throws naming the setting when the
    /// result is too long or collides with the model component.
    /// </summary>
    public static string NameFor(EdgeSettings edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var inference = edge.InferenceComponentName;
        var dot = inference.LastIndexOf('.');
        var name = (dot > 0 ? inference[..dot] : inference) + "." + NameSuffix;
        if (name.Length > 128)
        {
            throw new ArgumentException($"edge.inferenceComponentName '{inference}' is too long to derive the device prerequisites component name '{name}' (at most 128 characters).", nameof(edge));
        }

        if (name == edge.ModelComponentName)
        {
            throw new ArgumentException($"edge.modelComponentName '{edge.ModelComponentName}' is the name derived for the device prerequisites component from edge.inferenceComponentName '{inference}'; choose another model component name.", nameof(edge));
        }

        return name;
    }
}
