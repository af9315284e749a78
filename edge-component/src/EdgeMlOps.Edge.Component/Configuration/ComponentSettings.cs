using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Component.Configuration;

/// <summary>Where frames come from.</summary>
public enum FrameSourceKind
{
    /// <summary>Replay the images of a folder at the configured interval (the simulated camera).</summary>
    Folder,
    /// <summary>Process each new file that appears in a folder.</summary>
    Watch,
}

/// <summary>
/// Startup settings of the inference component, read once (from the recipe's configuration, a JSON file or
/// arguments) and validated before anything runs. <see cref="Runtime"/> holds the part that may change later.
/// </summary>
public sealed record ComponentSettings
{
    /// <summary>Device (thing) name in messages and topics. Default: $AWS_IOT_THING_NAME, else the host name.</summary>
    public string ThingName { get; init; } = Environment.GetEnvironmentVariable("AWS_IOT_THING_NAME") ?? Environment.MachineName;

    /// <summary>Path of the .onnx model file (from the model component's artifacts). Required.</summary>
    public string ModelPath { get; init; } = string.Empty;

    /// <summary>Version of the model component (reported in every message). Default: "unknown".</summary>
    public string ModelComponentVersion { get; init; } = "unknown";

    /// <summary>Version of the model package the model came from. Default: "unknown".</summary>
    public string ModelPackageVersion { get; init; } = "unknown";

    /// <summary>The ONNX Runtime library to load. Default: runtimes/linux-{arch}/native/libonnxruntime.so in the application folder (the Microsoft.ML.OnnxRuntime package's copy, checked against the artifact's SHA-256 manifest).</summary>
    public string? OnnxRuntimeLibraryPath { get; init; }

    /// <summary>Class names when the model has no "names" metadata. Default: class{id}.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Model input size when the model does not fix it. Default: 640.</summary>
    public int ImageSize { get; init; } = 640;

    /// <summary>ONNX Runtime intra-op threads (0 = one per core). Default: 0.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Let ONNX Runtime's idle threads spin. Default: false — measured on 2 cores, spinning threads fight the decode
    /// thread of the pipeline and other components; off, inference alone was also ~10% faster (see README).
    /// </summary>
    public bool AllowSpinning { get; init; }

    public FrameSourceKind Source { get; init; } = FrameSourceKind.Folder;

    /// <summary>Folder of images (replayed or watched). Default: <see cref="SampleImagesPath"/>.</summary>
    public string ImagesPath { get; init; } = string.Empty;

    /// <summary>Images shipped with the component, replayed when <see cref="ImagesPath"/> is empty. Default: none.</summary>
    public string SampleImagesPath { get; init; } = string.Empty;

    /// <summary>The folder actually read: <see cref="ImagesPath"/>, else <see cref="SampleImagesPath"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveImagesPath => string.IsNullOrWhiteSpace(ImagesPath) ? SampleImagesPath : ImagesPath;

    /// <summary>Replay the folder again after its last image. Default: true.</summary>
    public bool Loop { get; init; } = true;

    /// <summary>Stop after this many frames (0 = never). Default: 0.</summary>
    public long MaxFrames { get; init; }

    /// <summary>
    /// Images whose header declares more pixels than this are refused before decoding. Default: 50,000,000 (admits a
    /// 45 MP industrial camera frame, refuses 10000×10000; see <see cref="EdgeMlOps.Edge.Inference.Imaging.JpegDecoderOptions.DefaultMaxPixels"/>).
    /// </summary>
    public long MaxImagePixels { get; init; } = EdgeMlOps.Edge.Inference.Imaging.JpegDecoderOptions.DefaultMaxPixels;

    /// <summary>
    /// Files larger than this are refused (<c>too-large</c>) before a byte is read. Default: 67,108,864 (64 MiB; see
    /// <see cref="Frames.Frame.DefaultMaxFileBytes"/>).
    /// </summary>
    public long MaxFileBytes { get; init; } = Frames.Frame.DefaultMaxFileBytes;

    /// <summary>
    /// Opt-in: TurboJPEG's fast DCT, about 3% less decode time; pixels differ by up to 15 levels from the accurate DCT
    /// the training side decodes with (the acceptance check measures the effect). Default: false.
    /// </summary>
    public bool FastDct { get; init; } = InferenceConfiguration.Defaults.FastDct;

    /// <summary>
    /// Opt-in: decode large JPEGs at a reduced DCT scale (1/2, 1/4, 1/8) before the letterbox — about 4× faster on a
    /// 4K frame for a 640 model, but not the full decode and bilinear resize of the training side. Default: false.
    /// </summary>
    public bool DctScaling { get; init; } = InferenceConfiguration.Defaults.DctScaling;

    /// <summary>
    /// The model's acceptance set (acceptance.json), relative to <see cref="AcceptanceSetRoot"/> or absolute. Empty or
    /// an uninterpolated recipe variable: the model has none (reported as acceptance status "none"). Default: empty.
    /// </summary>
    public string AcceptanceSet { get; init; } = string.Empty;

    /// <summary>Folder a relative <see cref="AcceptanceSet"/> is below (the model component's unpacked artifacts). Default: the model file's folder.</summary>
    public string AcceptanceSetRoot { get; init; } = string.Empty;

    /// <summary>Parity (0–1) below which the acceptance check fails the model on this device. Default: 0.9.</summary>
    public double AcceptanceParityThreshold { get; init; } = InferenceConfiguration.Defaults.AcceptanceParityThreshold;

    /// <summary>The JPEG decoder settings of serving (and of the acceptance check).</summary>
    public EdgeMlOps.Edge.Inference.Imaging.JpegDecoderOptions DecoderOptions() =>
        new() { MaxPixels = MaxImagePixels, FastDct = FastDct, AllowDctScaling = DctScaling };

    /// <summary>The acceptance set's full path, or null when the model has none.</summary>
    public string? AcceptanceSetPath()
    {
        if (string.IsNullOrWhiteSpace(AcceptanceSet) || AcceptanceSet.Contains('{', StringComparison.Ordinal))
        {
            return null;
        }

        var root = string.IsNullOrWhiteSpace(AcceptanceSetRoot) || AcceptanceSetRoot.Contains('{', StringComparison.Ordinal)
            ? Path.GetDirectoryName(Path.GetFullPath(ModelPath)) ?? "."
            : AcceptanceSetRoot;
        return Path.GetFullPath(Path.Combine(root, AcceptanceSet));
    }

    /// <summary>Decode the next frame while the current one runs. Default: true.</summary>
    public bool Pipelining { get; init; } = true;

    /// <summary>
    /// The candidate model to run in shadow beside <see cref="ModelPath"/> (issue 14, part 5): the model at
    /// <see cref="ModelPath"/> keeps publishing, the candidate runs on a sample of the same frames and the health
    /// message reports their agreement. Default: empty (no shadow evaluation).
    /// </summary>
    public string ShadowModelPath { get; init; } = string.Empty;

    /// <summary>The candidate runs on one frame in this many (1–1000). Default: 16 (<see cref="EdgeMlOps.Contracts.ShadowEvaluation.Defaults.SampleEvery"/>).</summary>
    public int ShadowSampleEvery { get; init; } = EdgeMlOps.Contracts.ShadowEvaluation.Defaults.SampleEvery;

    /// <summary>The candidate's model component version, reported in the shadow block. Default: "unknown".</summary>
    public string ShadowCandidateVersion { get; init; } = "unknown";

    /// <summary>
    /// The current model's file beside <see cref="ModelPath"/> (how a Greengrass shadow deployment sets it up: the
    /// model component carries both). When set, <see cref="ForShadow"/> makes that file serve and runs the model at
    /// <see cref="ModelPath"/> as the candidate. Default: empty.
    /// </summary>
    public string ShadowCurrentModelFile { get; init; } = string.Empty;

    /// <summary>The current model's component version (which release <see cref="ShadowCurrentModelFile"/> is). Default: "unknown".</summary>
    public string ShadowCurrentComponentVersion { get; init; } = "unknown";

    /// <summary>The current model's package version. Default: "unknown".</summary>
    public string ShadowCurrentPackageVersion { get; init; } = "unknown";

    /// <summary>
    /// The settings the host runs with: with <see cref="ShadowCurrentModelFile"/> set, the current model (that file,
    /// beside <see cref="ModelPath"/>) serves and the model component's own model runs in shadow as the candidate,
    /// reported under the model component's version; otherwise these settings unchanged.
    /// </summary>
    public ComponentSettings ForShadow()
    {
        var current = Known(ShadowCurrentModelFile);
        if (string.IsNullOrWhiteSpace(ShadowCurrentModelFile) || current == "unknown")
        {
            return this;
        }

        return this with
        {
            ModelPath = Path.Combine(Path.GetDirectoryName(ModelPath) ?? string.Empty, Path.GetFileName(current)),
            ShadowModelPath = ModelPath,
            ShadowCandidateVersion = ModelComponentVersion,
            ShadowCurrentModelFile = string.Empty,
        };
    }

    /// <summary>Whether a candidate runs in shadow: <see cref="ShadowModelPath"/> is set (and not a placeholder Greengrass left uninterpolated).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ShadowEnabled => !string.IsNullOrWhiteSpace(ShadowModelPath) && Known(ShadowModelPath) != "unknown";

    /// <summary>Seconds between attempts to load a missing or invalid model. Default: 30.</summary>
    public int ModelRetrySeconds { get; init; } = 30;

    [System.Text.Json.Serialization.JsonIgnore]
    public RuntimeSettings Runtime { get; init; } = new();

    /// <summary>
    /// The model versions to report: a value Greengrass left uninterpolated ("{component:configuration:/key}",
    /// when the model component lacks the key) counts as unknown.
    /// </summary>
    public (string ComponentVersion, string PackageVersion) ModelVersions() => (Known(ModelComponentVersion), Known(ModelPackageVersion));

    /// <summary>
    /// The versions the published results carry: the serving model's. In shadow (<see cref="ForShadow"/> applied)
    /// that is the current model, not the model component's candidate, whose versions <see cref="ModelVersions"/>
    /// gives (the health message reports those: the gate watches the candidate's deployment).
    /// </summary>
    public (string ComponentVersion, string PackageVersion) ServingModelVersions() =>
        ShadowEnabled ? (Known(ShadowCurrentComponentVersion), Known(ShadowCurrentPackageVersion)) : ModelVersions();

    /// <summary>The shadow candidate's version to report (unknown when Greengrass left it uninterpolated).</summary>
    public string ShadowVersion() => Known(ShadowCandidateVersion);

    private static string Known(string value) =>
        string.IsNullOrWhiteSpace(value) || (value.StartsWith('{') && value.EndsWith('}')) ? "unknown" : value;

    /// <summary>Every problem with the settings, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ThingName))
        {
            problems.Add("thingName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            problems.Add("modelPath is required (the model component's .onnx file).");
        }

        if (string.IsNullOrWhiteSpace(EffectiveImagesPath))
        {
            problems.Add("imagesPath is required (the folder the camera writes to or the images to replay).");
        }

        RuntimeSettings.CheckRange(problems, "imageSize", ImageSize, 32, 4096);
        if (ImageSize % 32 != 0)
        {
            problems.Add($"imageSize must be a multiple of 32 (got {ImageSize}).");
        }

        RuntimeSettings.CheckRange(problems, "intraOpThreads", IntraOpThreads, 0, 256);
        RuntimeSettings.CheckRange(problems, "maxFrames", MaxFrames, 0, long.MaxValue);
        RuntimeSettings.CheckRange(problems, "maxImagePixels", MaxImagePixels, 1, 1_000_000_000);
        // A frame is read into one array: at most 2 GiB - 1 bytes.
        RuntimeSettings.CheckRange(problems, "maxFileBytes", MaxFileBytes, 1024, int.MaxValue);
        RuntimeSettings.CheckRange(problems, "modelRetrySeconds", ModelRetrySeconds, 1, 3600);
        RuntimeSettings.CheckRange(problems, EdgeMlOps.Contracts.ShadowEvaluation.Keys.SampleEvery, ShadowSampleEvery, 1, 1000);
        RuntimeSettings.CheckRange(problems, "acceptanceParityThreshold", AcceptanceParityThreshold, 0, 1);
        problems.AddRange(Runtime.Validate());
        return problems;
    }
}
