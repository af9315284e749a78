using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using D = EdgeMlOps.Contracts.InferenceConfiguration.Defaults;
using K = EdgeMlOps.Contracts.InferenceConfiguration.Keys;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>
/// Renders the inference component's Greengrass v2 recipe (JSON): a HARD dependency on the model component (and,
/// when given, on the device prerequisites component that installs the .NET runtime and libturbojpeg), one
/// manifest per architecture (each passing its own ONNX Runtime library), the model path through the model
/// component's artifact variables, default configuration (thresholds, interval, topics, capture) and IPC access to
/// PublishToIoTCore on exactly the results and health topics.
/// </summary>
public static class InferenceRecipeRenderer
{
    public const string RecipeFormatVersion = "2020-01-25";
    public const string PublishOperation = "aws.greengrass#PublishToIoTCore";
    public const string TokenExchangeService = "aws.greengrass.TokenExchangeService";

    /// <summary>Configuration keys the component applies while it runs (<see cref="InferenceConfiguration.Keys.RuntimePointers"/>).</summary>
    public static IReadOnlyList<string> RuntimeConfigurationKeys => InferenceConfiguration.Keys.RuntimePointers;

    /// <summary>Renders the recipe; throws <see cref="ArgumentException"/> listing every invalid property.</summary>
    public static string Render(InferenceRecipeProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var problems = props.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid inference recipe properties: " + string.Join(" ", problems), nameof(props));
        }

        return Build(props).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static JsonObject Build(InferenceRecipeProps props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var manifests = new JsonArray();
        foreach (var (architecture, rid) in InferenceArtifactLayout.Platforms)
        {
            manifests.Add(new JsonObject
            {
                ["Platform"] = new JsonObject { ["os"] = "linux", ["architecture"] = architecture },
                ["Lifecycle"] = Lifecycle(props, rid),
                ["Artifacts"] = new JsonArray(new JsonObject
                {
                    ["Uri"] = props.ArtifactUri,
                    ["Unarchive"] = "ZIP",
                    ["Permission"] = new JsonObject { ["Read"] = "OWNER", ["Execute"] = "NONE" },
                }),
            });
        }

        var dependencies = new JsonObject
        {
            [props.ModelComponentName] = new JsonObject
            {
                ["VersionRequirement"] = props.ModelComponentVersionRequirement,
                ["DependencyType"] = "HARD",
            },
        };
        if (props.PrerequisitesComponentName is { } prerequisites)
        {
            // HARD: the runtime and libturbojpeg must be installed before the component can start at all.
            dependencies[prerequisites] = new JsonObject
            {
                ["VersionRequirement"] = props.PrerequisitesVersionRequirement,
                ["DependencyType"] = "HARD",
            };
        }

        if (props.UseTokenExchangeService)
        {
            dependencies[TokenExchangeService] = new JsonObject { ["VersionRequirement"] = ">=2.0.0 <3.0.0", ["DependencyType"] = "HARD" };
        }

        return new JsonObject
        {
            ["RecipeFormatVersion"] = RecipeFormatVersion,
            ["ComponentName"] = props.ComponentName,
            ["ComponentVersion"] = props.ComponentVersion,
            ["ComponentDescription"] = props.ComponentDescription,
            ["ComponentPublisher"] = props.ComponentPublisher,
            ["ComponentDependencies"] = dependencies,
            ["ComponentConfiguration"] = new JsonObject { ["DefaultConfiguration"] = DefaultConfiguration(props) },
            ["Manifests"] = manifests,
        };
    }

    /// <summary>The component's own folder after Greengrass unpacks the zip.</summary>
    public static string AppFolder(InferenceRecipeProps props) => $"{{artifacts:decompressedPath}}/{props.ArchiveName}";

    /// <summary>The model file, through the model component's artifact variable.</summary>
    public static string ModelPath(InferenceRecipeProps props) => props.ModelArtifactIsArchive
        ? $"{{{props.ModelComponentName}:artifacts:decompressedPath}}/{props.ModelFile}"
        : $"{{{props.ModelComponentName}:artifacts:path}}/{props.ModelFile}";

    private static JsonObject Lifecycle(InferenceRecipeProps props, string rid)
    {
        var app = AppFolder(props);
        // Only start-up settings are interpolated here. Greengrass restarts a component whose interpolated lifecycle
        // script changes, so a {configuration:/key} in this script turns every change of that key into a restart:
        // right for what is only read at start, wrong for the runtime keys (RuntimeConfigurationKeys), which the
        // component reads through IPC GetConfiguration before its first frame and SubscribeToConfigurationUpdate after.
        var arguments = new[]
        {
            // The model component is a HARD dependency: a new model version restarts inference anyway.
            $"--model \"{ModelPath(props)}\"",
            $"--model-component-version \"{{{props.ModelComponentName}:configuration:{props.ModelComponentVersionKey}}}\"",
            $"--model-package-version \"{{{props.ModelComponentName}:configuration:{props.ModelPackageVersionKey}}}\"",
            // Fallback class names for a model file without names metadata; they change only with the model.
            $"--set \"classNames={{{props.ModelComponentName}:configuration:{props.ModelClassNamesKey}}}\"",
            // The model's acceptance set, run once after the model loads; it changes only with the model.
            $"--set \"{K.AcceptanceSet}={{{props.ModelComponentName}:configuration:{props.ModelAcceptanceSetKey}}}\"",
            $"--set \"{K.AcceptanceSetRoot}={{{props.ModelComponentName}:artifacts:decompressedPath}}\"",
            $"--set \"{K.AcceptanceParityThreshold}={{configuration:/{K.AcceptanceParityThreshold}}}\"",
            // Loaded once into the process; changes only with a new artifact (a new component version).
            $"--onnxruntime \"{app}/{InferenceArtifactLayout.OnnxRuntimeEntry(rid)}\"",
            "--thing-name \"{iot:thingName}\"",
            // The frame source is built once at start.
            "--images \"{configuration:/imagesPath}\"",
            $"--set \"sampleImagesPath={app}/{InferenceArtifactLayout.SampleImagesFolder}\"",
            "--source \"{configuration:/source}\"",
            // The JPEG decoder's limit and the ONNX Runtime session options are fixed when they are created.
            "--max-image-pixels \"{configuration:/maxImagePixels}\"",
            $"--max-file-bytes \"{{configuration:/{K.MaxFileBytes}}}\"",
            "--threads \"{configuration:/intraOpThreads}\"",
            "--set \"allowSpinning={configuration:/allowSpinning}\"",
            // The decoder is built once; the opt-in fast paths trade parity with the training side for speed.
            $"--set \"{K.FastDct}={{configuration:/{K.FastDct}}}\"",
            $"--set \"{K.DctScaling}={{configuration:/{K.DctScaling}}}\"",
            // The uploader and the spool are built at start; the edge deployment workflow merges capture.bucket and
            // capture.prefix, and the restart that follows is what points the uploader at the new place.
            "--set \"capture.bucket={configuration:/capture/bucket}\"",
            "--set \"capture.prefix={configuration:/capture/prefix}\"",
            "--set \"capture.spoolMaxMegabytes={configuration:/capture/spoolMaxMegabytes}\"",
            // Shadow evaluation on the canary (issue 14): the workflow's shadow deployment names the current model's
            // file in the model component and the promotion clears it; either change restarts the component, which
            // is what switches the serving model.
            $"--set \"{ShadowEvaluation.Keys.CurrentModelFile}={{configuration:/{ShadowEvaluation.Configuration.Object}/{ShadowEvaluation.Configuration.CurrentModelFile}}}\"",
            $"--set \"{ShadowEvaluation.Keys.SampleEvery}={{configuration:/{ShadowEvaluation.Configuration.Object}/{ShadowEvaluation.Configuration.SampleEvery}}}\"",
            // Which release current.onnx is (the model component's recipe says; unresolved for a first release, when
            // no shadow runs): the results the current model publishes in shadow carry its versions.
            $"--set \"{ShadowEvaluation.Keys.CurrentComponentVersion}={{{props.ModelComponentName}:configuration:/{ShadowEvaluation.ModelComponentConfiguration.CurrentComponentVersion}}}\"",
            $"--set \"{ShadowEvaluation.Keys.CurrentPackageVersion}={{{props.ModelComponentName}:configuration:/{ShadowEvaluation.ModelComponentConfiguration.CurrentPackageVersion}}}\"",
        };
        var pidFile = "{work:path}/inference.pid";
        return new JsonObject
        {
            ["Setenv"] = new JsonObject
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                // Workstation GC: a small, steady heap on a device shared with other components.
                ["DOTNET_gcServer"] = "0",
            },
            ["Run"] = new JsonObject
            {
                // exec: the dotnet process replaces the shell, so SIGTERM from Greengrass reaches it directly.
                ["Script"] = $"echo $$ > {pidFile} && exec dotnet \"{app}/{InferenceArtifactLayout.EntryAssembly}\" " + string.Join(" ", arguments),
                ["RequiresPrivilege"] = false,
            },
            ["Shutdown"] = new JsonObject
            {
                // The component finishes the frame in flight and publishes a last health message on SIGTERM.
                ["Script"] = $"kill -TERM $(cat {pidFile}) 2>/dev/null || true",
                ["Timeout"] = props.ShutdownTimeoutSeconds,
            },
        };
    }

    private static JsonObject DefaultConfiguration(InferenceRecipeProps props) => new()
    {
        [K.ImagesPath] = props.ImagesPath,
        [K.Source] = "Folder",
        [K.ConfidenceThreshold] = D.ConfidenceThreshold,
        [K.IouThreshold] = D.IouThreshold,
        [K.MaxDetections] = D.MaxDetections,
        [K.FrameIntervalMs] = D.FrameIntervalMs,
        [K.HealthIntervalSeconds] = D.HealthIntervalSeconds,
        // The component's default (JpegDecoderOptions.DefaultMaxPixels; a test keeps them equal): admits 45 MP frames, refuses 10000×10000.
        [K.MaxImagePixels] = 50_000_000,
        [K.MaxFileBytes] = D.MaxFileBytes,
        [K.IntraOpThreads] = 0,
        [K.AllowSpinning] = false,
        [K.FastDct] = D.FastDct,
        [K.DctScaling] = D.DctScaling,
        [K.AcceptanceParityThreshold] = D.AcceptanceParityThreshold,
        [K.ResultsTopic] = props.ResultsTopic,
        [K.HealthTopic] = props.HealthTopic,
        [K.Capture] = new JsonObject
        {
            [K.CaptureEnabled] = D.CaptureEnabled,
            [K.CaptureUncertaintyLow] = D.CaptureUncertaintyLow,
            [K.CaptureUncertaintyHigh] = D.CaptureUncertaintyHigh,
            [K.CaptureSampleFraction] = D.CaptureSampleFraction,
            [K.CaptureBucket] = D.CaptureBucket,
            [K.CapturePrefix] = D.CapturePrefix,
            [K.CaptureSpoolMaxMegabytes] = D.CaptureSpoolMaxMegabytes,
        },
        [ShadowEvaluation.Configuration.Object] = new JsonObject
        {
            [ShadowEvaluation.Configuration.CurrentModelFile] = string.Empty,
            [ShadowEvaluation.Configuration.SampleEvery] = ShadowEvaluation.Defaults.SampleEvery,
        },
        [K.ThingGroup] = D.ThingGroup,
        [K.Drift] = new JsonObject
        {
            [K.DriftEnabled] = D.DriftEnabled,
            [K.DriftWindowFrames] = D.DriftWindowFrames,
            [K.DriftMinFrames] = D.DriftMinFrames,
            [K.DriftThreshold] = D.DriftThreshold,
            [K.DriftBoostSampleFraction] = D.DriftBoostSampleFraction,
            [K.DriftBoostMinutes] = D.DriftBoostMinutes,
        },
        ["accessControl"] = new JsonObject
        {
            ["aws.greengrass.ipc.mqttproxy"] = new JsonObject
            {
                [$"{props.ComponentName}:mqttproxy:1"] = new JsonObject
                {
                    ["policyDescription"] = "Publish inference results and health messages to AWS IoT Core.",
                    ["operations"] = new JsonArray(PublishOperation),
                    ["resources"] = new JsonArray(AccessControlTopic(props.ResultsTopic), AccessControlTopic(props.HealthTopic)),
                },
            },
        },
    };

    /// <summary>The topic as Greengrass authorises it: the component's {thingName} becomes the recipe variable.</summary>
    public static string AccessControlTopic(string topic) =>
        (topic ?? string.Empty).Replace("{thingName}", "{iot:thingName}", StringComparison.Ordinal);
}
