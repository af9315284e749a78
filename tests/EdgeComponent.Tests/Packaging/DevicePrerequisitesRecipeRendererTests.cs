using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EdgeComponent.Tests.Prerequisites;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Packaging;

namespace EdgeComponent.Tests.Packaging;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DevicePrerequisitesRecipeRendererTests
{
    private static readonly DevicePrerequisitesRecipeProps Props = new()
    {
        ComponentName = "com.edgemlops.DevicePrerequisites",
        ComponentVersion = "1.0.4242",
        ScriptArtifactUri = "s3://assets-bucket/0123abcd.sh",
    };

    private static JsonObject Recipe() => JsonNode.Parse(DevicePrerequisitesRecipeRenderer.Render(Props))!.AsObject();

    [Fact]
    public void Install_step_runs_the_script_artifact_as_root_with_a_long_timeout_and_there_is_no_run_step()
    {
        var manifest = Assert.Single(Recipe()["Manifests"]!.AsArray())!;
        var lifecycle = manifest["Lifecycle"]!.AsObject();

        Assert.Equal("linux", (string?)manifest["Platform"]!["os"]);
        Assert.Null(manifest["Platform"]!["architecture"]);
        Assert.Equal(["Install"], lifecycle.Select(step => step.Key));
        Assert.True((bool)lifecycle["Install"]!["RequiresPrivilege"]!);
        Assert.Equal(900, (int)lifecycle["Install"]!["Timeout"]!);
        Assert.StartsWith("bash \"{artifacts:path}/0123abcd.sh\" ", (string?)lifecycle["Install"]!["Script"]);
        var artifact = Assert.Single(manifest["Artifacts"]!.AsArray())!;
        Assert.Equal("s3://assets-bucket/0123abcd.sh", (string?)artifact["Uri"]);
        Assert.Null(artifact["Unarchive"]);
    }

    [Fact]
    public void Every_configuration_key_has_a_default_and_reaches_an_option_the_script_knows()
    {
        var recipe = Recipe();
        var defaults = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
        var script = (string)recipe["Manifests"]![0]!["Lifecycle"]!["Install"]!["Script"]!;
        var scriptText = File.ReadAllText(PrerequisitesScriptHarness.ScriptPath);

        Assert.Equal(DevicePrerequisitesRecipeRenderer.ConfigurationOptions.Select(o => o.Key).Order(), defaults.Select(d => d.Key).Order());
        foreach (var (key, option) in DevicePrerequisitesRecipeRenderer.ConfigurationOptions)
        {
            Assert.Contains($"{option} \"{{configuration:/{key}}}\"", script);
            Assert.Contains($"    {option}) ", scriptText);
        }

        Assert.Equal("package", (string?)defaults["dotnetSource"]);
    }

    [Fact]
    public void Default_dotnet_major_is_the_one_the_inference_component_targets()
    {
        var project = XDocument.Load(RepositoryPaths.ComponentProject);
        var framework = project.Descendants("TargetFramework").Single().Value;
        var rollForward = project.Descendants("RollForward").SingleOrDefault()?.Value;

        Assert.Equal($"net{DevicePrerequisitesRecipeProps.ComponentDotnetMajor}.0", framework);
        // A newer runtime satisfies the check only because the component rolls forward to it.
        Assert.Equal("Major", rollForward);
        Assert.Equal(DevicePrerequisitesRecipeProps.ComponentDotnetMajor, (int)Recipe()["ComponentConfiguration"]!["DefaultConfiguration"]!["dotnetMajor"]!);
    }

    [Fact]
    public void Install_step_as_greengrass_interpolates_it_with_the_defaults_runs_the_script()
    {
        using var system = new PrerequisitesScriptHarness();
        var recipe = Recipe();
        var defaults = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
        var script = (string)recipe["Manifests"]![0]!["Lifecycle"]!["Install"]!["Script"]!;
        var artifacts = Path.Combine(system.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        File.Copy(PrerequisitesScriptHarness.ScriptPath, Path.Combine(artifacts, "0123abcd.sh"));
        // Greengrass writes booleans and numbers as their JSON text.
        var interpolated = ConfigurationVariable().Replace(script, m => defaults[m.Groups["key"].Value]!.ToJsonString().Trim('"'))
            .Replace("{artifacts:path}", artifacts, StringComparison.Ordinal);

        var run = system.RunCommand(interpolated + " --dry-run");

        Assert.Equal(
            ["apt-get update -q", "env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends libturbojpeg0"],
            InstallDevicePrerequisitesScriptTests.Planned(run).Take(2));
        Assert.Contains("would run: env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends dotnet-runtime-8.0", run.Output);
        Assert.DoesNotContain("{", interpolated, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_listing_every_invalid_property()
    {
        var bad = Props with { ComponentName = "bad name", ComponentVersion = "1.0", ScriptArtifactUri = "https://x/y.sh", DotnetMajor = 5, InstallTimeoutSeconds = 10 };

        var error = Assert.Throws<ArgumentException>(() => DevicePrerequisitesRecipeRenderer.Render(bad));

        foreach (var property in new[] { "ComponentName", "ComponentVersion", "ScriptArtifactUri", "DotnetMajor", "InstallTimeoutSeconds" })
        {
            Assert.Contains(property, error.Message);
        }
    }

    [GeneratedRegex(@"\{configuration:/(?<key>[A-Za-z0-9]+)\}")]
    private static partial Regex ConfigurationVariable();
}
