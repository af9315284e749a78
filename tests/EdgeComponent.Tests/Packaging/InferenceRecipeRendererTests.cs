using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Packaging;

namespace EdgeComponent.Tests.Packaging;

public sealed partial class InferenceRecipeRendererTests
{
    private static readonly InferenceRecipeProps Props = new()
    {
        ComponentName = "com.edgemlops.Inference",
        ComponentVersion = "1.0.12345",
        ArtifactUri = "s3://assets-bucket/abc123.zip",
        ModelComponentName = "com.edgemlops.Model",
        ModelComponentVersionRequirement = ">=1.0.0 <2.0.0",
    };

    private static JsonObject Recipe() => JsonNode.Parse(InferenceRecipeRenderer.Render(Props))!.AsObject();

    [Fact]
    public void Names_the_component_and_depends_hard_on_the_model_component()
    {
        var recipe = Recipe();

        Assert.Equal("2020-01-25", (string?)recipe["RecipeFormatVersion"]);
        Assert.Equal("com.edgemlops.Inference", (string?)recipe["ComponentName"]);
        Assert.Equal("1.0.12345", (string?)recipe["ComponentVersion"]);
        var dependency = recipe["ComponentDependencies"]!["com.edgemlops.Model"]!;
        Assert.Equal(">=1.0.0 <2.0.0", (string?)dependency["VersionRequirement"]);
        Assert.Equal("HARD", (string?)dependency["DependencyType"]);
        Assert.NotNull(recipe["ComponentDependencies"]!["aws.greengrass.TokenExchangeService"]);
    }

    [Fact]
    public void Depends_hard_on_the_device_prerequisites_at_the_given_version_when_named()
    {
        var recipe = JsonNode.Parse(InferenceRecipeRenderer.Render(Props with
        {
            PrerequisitesComponentName = "com.edgemlops.DevicePrerequisites",
            PrerequisitesVersionRequirement = "=1.0.4242",
        }))!;

        var dependency = recipe["ComponentDependencies"]!["com.edgemlops.DevicePrerequisites"]!;
        Assert.Equal("=1.0.4242", (string?)dependency["VersionRequirement"]);
        Assert.Equal("HARD", (string?)dependency["DependencyType"]);
        Assert.Null(Recipe()["ComponentDependencies"]!["com.edgemlops.DevicePrerequisites"]);
    }

    [Fact]
    public void Fails_when_the_prerequisites_component_has_no_version_requirement_or_reuses_a_name()
    {
        var noVersion = Assert.Throws<ArgumentException>(() => InferenceRecipeRenderer.Render(Props with { PrerequisitesComponentName = "com.edgemlops.DevicePrerequisites" }));
        var sameName = Assert.Throws<ArgumentException>(() => InferenceRecipeRenderer.Render(Props with { PrerequisitesComponentName = "com.edgemlops.Model", PrerequisitesVersionRequirement = "=1.0.0" }));

        Assert.Contains("PrerequisitesVersionRequirement must be given", noVersion.Message);
        Assert.Contains("PrerequisitesComponentName 'com.edgemlops.Model' must be a name other than", sameName.Message);
    }

    [Fact]
    public void Token_exchange_dependency_can_be_left_out()
    {
        var recipe = JsonNode.Parse(InferenceRecipeRenderer.Render(Props with { UseTokenExchangeService = false }))!;

        Assert.Equal(["com.edgemlops.Model"], recipe["ComponentDependencies"]!.AsObject().Select(d => d.Key));
    }

    [Fact]
    public void Has_one_manifest_per_architecture_each_loading_its_own_onnx_runtime()
    {
        var manifests = Recipe()["Manifests"]!.AsArray();

        Assert.Equal(["amd64", "aarch64"], manifests.Select(m => (string?)m!["Platform"]!["architecture"]));
        foreach (var (manifest, own, other) in new[] { (manifests[0]!, "linux-x64", "linux-arm64"), (manifests[1]!, "linux-arm64", "linux-x64") })
        {
            Assert.Equal("linux", (string?)manifest["Platform"]!["os"]);
            var run = (string)manifest["Lifecycle"]!["Run"]!["Script"]!;
            Assert.Contains($"--onnxruntime \"{{artifacts:decompressedPath}}/edge-inference/runtimes/{own}/native/libonnxruntime.so\"", run, StringComparison.Ordinal);
            Assert.DoesNotContain(other, run, StringComparison.Ordinal);
            Assert.Contains("exec dotnet \"{artifacts:decompressedPath}/edge-inference/EdgeMlOps.Edge.Component.dll\"", run, StringComparison.Ordinal);
            Assert.Contains("--model \"{com.edgemlops.Model:artifacts:path}/model.onnx\"", run, StringComparison.Ordinal);
            var artifact = Assert.Single(manifest["Artifacts"]!.AsArray())!;
            Assert.Equal("s3://assets-bucket/abc123.zip", (string?)artifact["Uri"]);
            Assert.Equal("ZIP", (string?)artifact["Unarchive"]);
            Assert.Equal(20, (int)manifest["Lifecycle"]!["Shutdown"]!["Timeout"]!);
        }
    }

    [Fact]
    public void Lifecycle_passes_the_model_components_class_names_as_the_fallback_names()
    {
        var run = (string)Recipe()["Manifests"]![0]!["Lifecycle"]!["Run"]!["Script"]!;

        // The key the edge workflow's model recipe writes (ModelRecipe.ClassNamesArgumentKey), spelled out here.
        Assert.Contains("--set \"classNames={com.edgemlops.Model:configuration:/classNamesArgument}\"", run, StringComparison.Ordinal);
        // The acceptance set ships in the model component (its unpacked archive); the model component names the document.
        Assert.Contains("--set \"acceptanceSet={com.edgemlops.Model:configuration:/acceptanceSet}\" --set \"acceptanceSetRoot={com.edgemlops.Model:artifacts:decompressedPath}\"", run, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_passes_the_shadow_settings_the_workflow_merges_and_they_default_to_no_shadow()
    {
        var recipe = Recipe();
        var run = (string)recipe["Manifests"]![0]!["Lifecycle"]!["Run"]!["Script"]!;

        Assert.Contains("--set \"shadowCurrentModelFile={configuration:/shadow/currentModelFile}\"", run, StringComparison.Ordinal);
        Assert.Contains("--set \"shadowSampleEvery={configuration:/shadow/sampleEvery}\"", run, StringComparison.Ordinal);
        // Which release current.onnx is comes with the model component, like its own versions.
        Assert.Contains("--set \"shadowCurrentComponentVersion={com.edgemlops.Model:configuration:/currentModelComponentVersion}\"", run, StringComparison.Ordinal);
        Assert.Contains("--set \"shadowCurrentPackageVersion={com.edgemlops.Model:configuration:/currentModelPackageVersion}\"", run, StringComparison.Ordinal);
        var shadow = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!["shadow"]!;
        Assert.Equal("", shadow["currentModelFile"]!.GetValue<string>());
        Assert.Equal(EdgeMlOps.Contracts.ShadowEvaluation.Defaults.SampleEvery, shadow["sampleEvery"]!.GetValue<int>());
    }

    [Fact]
    public void Every_configuration_variable_in_the_lifecycle_exists_in_the_default_configuration()
    {
        var recipe = Recipe();
        var configuration = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!.AsObject();
        var run = (string)recipe["Manifests"]![0]!["Lifecycle"]!["Run"]!["Script"]!;

        var keys = ConfigurationVariable().Matches(run).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            JsonNode? node = configuration;
            foreach (var part in key.Split('/'))
            {
                node = node?[part];
            }

            Assert.True(node is not null, $"{{configuration:/{key}}} has no default");
        }
    }

    /// <summary>The keys the component applies while running; written out here, not taken from the renderer.</summary>
    private static readonly string[] RuntimeKeys =
    [
        "confidenceThreshold", "iouThreshold", "maxDetections", "frameIntervalMs", "healthIntervalSeconds", "resultsTopic", "healthTopic",
        "capture/enabled", "capture/uncertaintyLow", "capture/uncertaintyHigh", "capture/sampleFraction", "thingGroup",
        "drift/enabled", "drift/windowFrames", "drift/minFrames", "drift/threshold", "drift/boostSampleFraction", "drift/boostMinutes",
    ];

    [Fact]
    public void No_runtime_key_appears_in_any_lifecycle_script_so_changing_it_does_not_restart_the_component()
    {
        var recipe = Recipe();

        foreach (var manifest in recipe["Manifests"]!.AsArray())
        {
            // Every string below Lifecycle (Run, Shutdown, Setenv): Greengrass interpolates them all.
            var lifecycle = manifest!["Lifecycle"]!.ToJsonString();
            var interpolated = ConfigurationVariable().Matches(lifecycle).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

            Assert.Empty(interpolated.Intersect(RuntimeKeys));
            Assert.Equal(
                new[] { "acceptanceParityThreshold", "allowSpinning", "capture/bucket", "capture/prefix", "capture/spoolMaxMegabytes", "dctScaling", "fastDct", "imagesPath", "intraOpThreads", "maxFileBytes", "maxImagePixels", "shadow/currentModelFile", "shadow/sampleEvery", "source" },
                interpolated.Order(StringComparer.Ordinal));
        }

        Assert.Equal(RuntimeKeys.Select(k => "/" + k), InferenceRecipeRenderer.RuntimeConfigurationKeys);
    }

    [Fact]
    public void Default_configuration_still_holds_every_runtime_key()
    {
        var configuration = Recipe()["ComponentConfiguration"]!["DefaultConfiguration"]!;

        foreach (var key in RuntimeKeys)
        {
            JsonNode? node = configuration;
            foreach (var part in key.Split('/'))
            {
                node = node?[part];
            }

            Assert.True(node is JsonValue, $"DefaultConfiguration lacks '{key}'");
        }
    }

    [Fact]
    public void Uses_only_recipe_variables_greengrass_defines()
    {
        var recipe = InferenceRecipeRenderer.Render(Props);

        var namespaces = AnyVariable().Matches(recipe).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.All(namespaces, n => Assert.Contains(n, new[] { "artifacts:decompressedPath", "configuration", "iot:thingName", "work:path",
            "com.edgemlops.Model:artifacts:path", "com.edgemlops.Model:artifacts:decompressedPath", "com.edgemlops.Model:configuration", "thingName" }));
    }

    [Fact]
    public void Grants_publish_to_iot_core_on_exactly_the_results_and_health_topics()
    {
        var configuration = Recipe()["ComponentConfiguration"]!["DefaultConfiguration"]!;
        var mqtt = configuration["accessControl"]!["aws.greengrass.ipc.mqttproxy"]!.AsObject();

        var policy = Assert.Single(mqtt).Value!;
        Assert.Equal(["aws.greengrass#PublishToIoTCore"], policy["operations"]!.AsArray().Select(o => (string?)o));
        Assert.Equal(
            ["edgemlops/{iot:thingName}/inference/results", "edgemlops/{iot:thingName}/inference/health"],
            policy["resources"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("edgemlops/{thingName}/inference/results", (string?)configuration["resultsTopic"]);
    }

    [Fact]
    public void Default_configuration_is_valid_for_the_component()
    {
        var configuration = Recipe()["ComponentConfiguration"]!["DefaultConfiguration"]!;

        var settings = SettingsJson.ParseRuntime(configuration);

        Assert.Empty(settings.Validate());
        Assert.Equal(0.25, settings.ConfidenceThreshold);
    }

    [Fact]
    public void Run_arguments_with_the_default_configuration_substituted_are_valid_component_settings()
    {
        var recipe = Recipe();
        var configuration = recipe["ComponentConfiguration"]!["DefaultConfiguration"]!;
        var run = (string)recipe["Manifests"]![1]!["Lifecycle"]!["Run"]!["Script"]!;
        // What Greengrass would interpolate, including a model component without the version keys.
        var interpolated = ConfigurationVariable().Replace(run, m =>
        {
            JsonNode? node = configuration;
            foreach (var part in m.Groups[1].Value.Split('/'))
            {
                node = node?[part];
            }

            return node is JsonValue v && v.TryGetValue<bool>(out var b) ? (b ? "true" : "false") : node?.ToString() ?? string.Empty;
        })
            .Replace("{artifacts:decompressedPath}", "/greengrass/v2/packages/artifacts-unarchived/x/1.0.0", StringComparison.Ordinal)
            .Replace("{com.edgemlops.Model:artifacts:path}", "/greengrass/v2/packages/artifacts/m/1.0.0", StringComparison.Ordinal)
            .Replace("{com.edgemlops.Model:artifacts:decompressedPath}", "/greengrass/v2/packages/artifacts-unarchived/m/1.0.0", StringComparison.Ordinal)
            .Replace("{iot:thingName}", "cam-1", StringComparison.Ordinal);
        var args = ArgumentPair().Matches(interpolated[interpolated.IndexOf("--", StringComparison.Ordinal)..])
            .SelectMany(m => m.Groups[2].Success ? new[] { m.Groups[1].Value, m.Groups[2].Value } : [m.Groups[1].Value]).ToArray();

        var options = CommandLine.Parse(args);

        Assert.Equal("/greengrass/v2/packages/artifacts/m/1.0.0/model.onnx", options.Settings.ModelPath);
        Assert.Equal("/greengrass/v2/packages/artifacts-unarchived/x/1.0.0/edge-inference/sample-images", options.Settings.EffectiveImagesPath);
        Assert.EndsWith("runtimes/linux-arm64/native/libonnxruntime.so", options.Settings.OnnxRuntimeLibraryPath, StringComparison.Ordinal);
        Assert.Equal("cam-1", options.Settings.ThingName);
        Assert.Equal(("unknown", "unknown"), options.Settings.ModelVersions()); // model component without those keys
        Assert.Equal(EdgeMlOps.Edge.Inference.Imaging.JpegDecoderOptions.DefaultMaxPixels, options.Settings.MaxImagePixels);
        Assert.True(10_000L * 10_000 > options.Settings.MaxImagePixels, "a 10000×10000 frame is refused by the recipe's default");
        Assert.Equal(EdgeMlOps.Edge.Component.Frames.Frame.DefaultMaxFileBytes, options.Settings.MaxFileBytes);
        Assert.Equal(0, options.Settings.IntraOpThreads);
        Assert.False(options.Settings.AllowSpinning);
        // Pre-processing parity by default; a model component without an acceptance set leaves the variable unresolved: no set.
        Assert.Equal((false, false, 0.9), (options.Settings.FastDct, options.Settings.DctScaling, options.Settings.AcceptanceParityThreshold));
        Assert.Null(options.Settings.AcceptanceSetPath());
        Assert.Equal((string.Empty, EdgeMlOps.Contracts.CaptureLayout.DefaultPrefix, 512), (options.Settings.Runtime.Capture.Bucket, options.Settings.Runtime.Capture.Prefix,
            options.Settings.Runtime.Capture.SpoolMaxMegabytes));
        // The runtime keys are not on the command line: they start at the component's defaults and come from IPC.
        Assert.Equal(new RuntimeSettings().ConfidenceThreshold, options.Settings.Runtime.ConfidenceThreshold);
    }

    [Fact]
    public void Fails_if_props_are_invalid_naming_each_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => InferenceRecipeRenderer.Render(Props with
        {
            ComponentVersion = "1.0",
            ArtifactUri = "https://x/y.zip",
            ResultsTopic = "a/#",
        }));

        Assert.Contains("ComponentVersion", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ArtifactUri", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ResultsTopic", ex.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(--[a-z-]+)(?: ""([^""]*)"")?")]
    private static partial Regex ArgumentPair();

    [GeneratedRegex(@"\{configuration:/([A-Za-z/]+)\}")]
    private static partial Regex ConfigurationVariable();

    [GeneratedRegex(@"\{([A-Za-z.]+(?::[A-Za-z]+)*)(?::/[^}]*)?\}")]
    private static partial Regex AnyVariable();
}
