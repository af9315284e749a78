using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>
/// Renders the device prerequisites component's Greengrass v2 recipe (JSON): one Linux manifest whose Install step
/// runs the install script as root (RequiresPrivilege) with the component's configuration as arguments. It has no Run
/// step: once Install succeeds the component is done, and the inference component, which depends on it (HARD), starts.
/// Greengrass runs Install on every nucleus start too; the script checks first and changes nothing when the device
/// already has what it needs.
/// </summary>
public static class DevicePrerequisitesRecipeRenderer
{
    /// <summary>
    /// Configuration keys and what the script does with them; all are read at install time (a change re-runs Install).
    /// Empty strings mean "the script's default".
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Option)> ConfigurationOptions =
    [
        ("dotnetSource", "--dotnet-source"),
        ("dotnetMajor", "--dotnet-major"),
        ("dotnetPackage", "--dotnet-package"),
        ("dotnetTarball", "--dotnet-tarball"),
        ("dotnetTarballSha512", "--dotnet-tarball-sha512"),
        ("microsoftFeed", "--microsoft-feed"),
        ("turbojpegPackage", "--turbojpeg-package"),
    ];

    /// <summary>Renders the recipe; throws <see cref="ArgumentException"/> listing every invalid property.</summary>
    public static string Render(DevicePrerequisitesRecipeProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var problems = props.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid device prerequisites recipe properties: " + string.Join(" ", problems), nameof(props));
        }

        return Build(props).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static JsonObject Build(DevicePrerequisitesRecipeProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var arguments = string.Join(" ", ConfigurationOptions.Select(o => $"{o.Option} \"{{configuration:/{o.Key}}}\""));
        return new JsonObject
        {
            ["RecipeFormatVersion"] = InferenceRecipeRenderer.RecipeFormatVersion,
            ["ComponentName"] = props.ComponentName,
            ["ComponentVersion"] = props.ComponentVersion,
            ["ComponentDescription"] = props.ComponentDescription,
            ["ComponentPublisher"] = props.ComponentPublisher,
            ["ComponentConfiguration"] = new JsonObject
            {
                ["DefaultConfiguration"] = new JsonObject
                {
                    // package: apt (adding packages.microsoft.com where apt lacks the runtime) or dnf. tarball: a
                    // runtime tarball at dotnetTarball (a path on the device or an https:// URL with its SHA-512).
                    ["dotnetSource"] = "package",
                    ["dotnetMajor"] = props.DotnetMajor,
                    ["dotnetPackage"] = string.Empty,
                    ["dotnetTarball"] = string.Empty,
                    ["dotnetTarballSha512"] = string.Empty,
                    ["microsoftFeed"] = true,
                    ["turbojpegPackage"] = string.Empty,
                },
            },
            ["Manifests"] = new JsonArray(new JsonObject
            {
                // Any architecture: the script is portable, and the package manager picks the device's packages.
                ["Platform"] = new JsonObject { ["os"] = "linux" },
                ["Lifecycle"] = new JsonObject
                {
                    ["Install"] = new JsonObject
                    {
                        ["Script"] = $"bash \"{{artifacts:path}}/{props.ScriptFileName}\" {arguments}",
                        // Installing packages needs root; the inference component itself runs unprivileged.
                        ["RequiresPrivilege"] = true,
                        ["Timeout"] = props.InstallTimeoutSeconds,
                    },
                },
                ["Artifacts"] = new JsonArray(new JsonObject
                {
                    ["Uri"] = props.ScriptArtifactUri,
                    ["Permission"] = new JsonObject { ["Read"] = "OWNER", ["Execute"] = "NONE" },
                }),
            }),
        };
    }
}
