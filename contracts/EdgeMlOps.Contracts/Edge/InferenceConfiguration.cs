namespace EdgeMlOps.Contracts;

/// <summary>
/// The inference component's Greengrass configuration: the keys its recipe sets by default, the edge workflow
/// merges into every deployment and the component reads (its settings records' members in camelCase), with their
/// defaults. Runtime keys change while the component runs (over IPC); startup keys are read once.
/// </summary>
public static class InferenceConfiguration
{
    /// <summary>Configuration keys (top level unless the member says <c>capture.</c>).</summary>
    public static class Keys
    {
        // Runtime keys.
        public const string ConfidenceThreshold = "confidenceThreshold";
        public const string IouThreshold = "iouThreshold";
        public const string MaxDetections = "maxDetections";
        public const string FrameIntervalMs = "frameIntervalMs";
        public const string HealthIntervalSeconds = "healthIntervalSeconds";
        public const string ResultsTopic = "resultsTopic";
        public const string HealthTopic = "healthTopic";

        /// <summary>The object holding the capture keys below.</summary>
        public const string Capture = "capture";
        public const string CaptureEnabled = "enabled";
        public const string CaptureUncertaintyLow = "uncertaintyLow";
        public const string CaptureUncertaintyHigh = "uncertaintyHigh";
        public const string CaptureSampleFraction = "sampleFraction";
        public const string CaptureBucket = "bucket";
        public const string CapturePrefix = "prefix";
        public const string CaptureSpoolDirectory = "spoolDirectory";
        public const string CaptureSpoolMaxMegabytes = "spoolMaxMegabytes";

        /// <summary>The thing group the deployment targeted; echoed as <c>thingGroup</c> in the health message (runtime).</summary>
        public const string ThingGroup = "thingGroup";

        /// <summary>The object holding the drift keys below (runtime).</summary>
        public const string Drift = "drift";
        public const string DriftEnabled = "enabled";
        public const string DriftWindowFrames = "windowFrames";
        public const string DriftMinFrames = "minFrames";
        public const string DriftThreshold = "threshold";
        public const string DriftBoostSampleFraction = "boostSampleFraction";
        public const string DriftBoostMinutes = "boostMinutes";

        // Startup keys.
        public const string ImagesPath = "imagesPath";
        public const string Source = "source";
        public const string MaxImagePixels = "maxImagePixels";
        public const string MaxFileBytes = "maxFileBytes";
        public const string IntraOpThreads = "intraOpThreads";
        public const string AllowSpinning = "allowSpinning";

        /// <summary>Opt-in: TurboJPEG's fast integer DCT instead of the accurate one ultralytics' decoders use.</summary>
        public const string FastDct = "fastDct";

        /// <summary>Opt-in: decode large JPEGs at a reduced DCT scale before the letterbox resize.</summary>
        public const string DctScaling = "dctScaling";

        /// <summary>
        /// The model's acceptance set document (<c>acceptance/acceptance.json</c>), relative to
        /// <see cref="AcceptanceSetRoot"/> or absolute; empty (or an uninterpolated recipe variable) = the model has none.
        /// </summary>
        public const string AcceptanceSet = "acceptanceSet";

        /// <summary>Folder a relative <see cref="AcceptanceSet"/> is below (the model component's unpacked artifacts).</summary>
        public const string AcceptanceSetRoot = "acceptanceSetRoot";

        /// <summary>Parity (0–1) below which the acceptance check fails the model on this device.</summary>
        public const string AcceptanceParityThreshold = "acceptanceParityThreshold";

        /// <summary>
        /// The keys the component applies while it runs, as JSON pointers below its configuration. They must never
        /// appear in a lifecycle script: an interpolated key restarts the component on change.
        /// </summary>
        public static IReadOnlyList<string> RuntimePointers { get; } =
        [
            $"/{ConfidenceThreshold}", $"/{IouThreshold}", $"/{MaxDetections}", $"/{FrameIntervalMs}", $"/{HealthIntervalSeconds}",
            $"/{ResultsTopic}", $"/{HealthTopic}", $"/{Capture}/{CaptureEnabled}", $"/{Capture}/{CaptureUncertaintyLow}",
            $"/{Capture}/{CaptureUncertaintyHigh}", $"/{Capture}/{CaptureSampleFraction}", $"/{ThingGroup}",
            $"/{Drift}/{DriftEnabled}", $"/{Drift}/{DriftWindowFrames}", $"/{Drift}/{DriftMinFrames}", $"/{Drift}/{DriftThreshold}",
            $"/{Drift}/{DriftBoostSampleFraction}", $"/{Drift}/{DriftBoostMinutes}",
        ];
    }

    /// <summary>Defaults: the component's when a key is absent, the recipe's default configuration, the edge app's config defaults.</summary>
    public static class Defaults
    {
        public const double ConfidenceThreshold = 0.25;
        public const double IouThreshold = 0.45;
        public const int MaxDetections = 100;
        public const int FrameIntervalMs = 1000;
        public const int HealthIntervalSeconds = 30;
        public const string ResultsTopic = "edgemlops/{thingName}/inference/results";
        public const string HealthTopic = "edgemlops/{thingName}/inference/health";
        public const bool CaptureEnabled = true;
        public const double CaptureUncertaintyLow = 0.3;
        public const double CaptureUncertaintyHigh = 0.6;
        public const double CaptureSampleFraction = 0.01;

        /// <summary>Empty: captures stay in the device's spool until a deployment sets the labeling bucket.</summary>
        public const string CaptureBucket = "";
        public const string CapturePrefix = CaptureLayout.DefaultPrefix;
        public const string CaptureSpoolDirectory = "capture-spool";
        public const int CaptureSpoolMaxMegabytes = 512;

        /// <summary>Empty until a workflow deployment sets it.</summary>
        public const string ThingGroup = "";

        public const bool DriftEnabled = true;

        /// <summary>Frames in the sliding window the drift statistics are computed over (at 1 frame/s: 10 minutes).</summary>
        public const int DriftWindowFrames = 600;

        /// <summary>Frames the window must hold before it is scored (fewer give noisy PSIs).</summary>
        public const int DriftMinFrames = 200;

        /// <summary>PSI above which a device counts as drifted: 0.25, the usual "significant shift".</summary>
        public const double DriftThreshold = 0.25;

        /// <summary>Capture sample fraction while drifted, so the drifted frames reach labeling.</summary>
        public const double DriftBoostSampleFraction = 0.2;

        /// <summary>How long the raised sample fraction lasts after the score was last above the threshold.</summary>
        public const int DriftBoostMinutes = 30;

        /// <summary>
        /// 64 MiB: above a 50-megapixel frame (the default pixel limit) saved at JPEG quality 95, about 1 byte per
        /// pixel, and far below what a small device can hold twice (two pipeline slots).
        /// </summary>
        public const long MaxFileBytes = 64L * 1024 * 1024;

        /// <summary>Off: the accurate (islow) DCT, as the training side's decoders (OpenCV, PIL) use.</summary>
        public const bool FastDct = false;

        /// <summary>Off: full-size decode then bilinear letterbox, as ultralytics does.</summary>
        public const bool DctScaling = false;

        /// <summary>
        /// 0.9: on the parity path the device reproduces the training side's boxes except where a confidence sits on
        /// the threshold or OpenCV's fixed-point resize differs by a grey level — a box or two of a 16-image set.
        /// Below it lie the faults the check exists for: a blind or wrong model, another class order, another
        /// pre-processing (DCT scaling alone moved 22–24 of 100 boxes on a 4000×3000 frame).
        /// </summary>
        public const double AcceptanceParityThreshold = 0.9;
    }
}
