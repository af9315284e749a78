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

        // Startup keys.
        public const string ImagesPath = "imagesPath";
        public const string Source = "source";
        public const string MaxImagePixels = "maxImagePixels";
        public const string IntraOpThreads = "intraOpThreads";
        public const string AllowSpinning = "allowSpinning";

        /// <summary>
        /// The keys the component applies while it runs, as JSON pointers below its configuration. They must never
        /// appear in a lifecycle script: an interpolated key restarts the component on change.
        /// </summary>
        public static IReadOnlyList<string> RuntimePointers { get; } =
        [
            $"/{ConfidenceThreshold}", $"/{IouThreshold}", $"/{MaxDetections}", $"/{FrameIntervalMs}", $"/{HealthIntervalSeconds}",
            $"/{ResultsTopic}", $"/{HealthTopic}", $"/{Capture}/{CaptureEnabled}", $"/{Capture}/{CaptureUncertaintyLow}",
            $"/{Capture}/{CaptureUncertaintyHigh}", $"/{Capture}/{CaptureSampleFraction}",
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
    }
}
