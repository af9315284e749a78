namespace EdgeMlOps.Contracts;

/// <summary>
/// Shadow evaluation on the canary (issue 14, part 5): the current model keeps publishing results while the
/// candidate runs on every <see cref="Defaults.SampleEvery"/>-th frame of the same input, and the component reports
/// their agreement in the health message's <c>shadow</c> block (<see cref="HealthShadow"/>). The keys are startup
/// keys of the inference component's configuration (a change restarts it), set by the model component of a shadow
/// deployment.
/// </summary>
public static class ShadowEvaluation
{
    /// <summary>
    /// The current model's file in the candidate's model component (a second artifact beside <c>model.onnx</c>,
    /// copied by the edge workflow from the current release when there is one).
    /// </summary>
    public const string CurrentModelFileName = "current.onnx";

    /// <summary>
    /// The inference component's configuration object the edge workflow merges into each deployment: on the canary
    /// in shadow <c>{"currentModelFile": "current.onnx", "sampleEvery": n}</c>, otherwise <c>currentModelFile</c> empty.
    /// </summary>
    public static class Configuration
    {
        public const string Object = "shadow";
        public const string CurrentModelFile = "currentModelFile";
        public const string SampleEvery = "sampleEvery";
    }

    /// <summary>Settings keys of the inference component (its command line and settings file).</summary>
    public static class Keys
    {
        /// <summary>
        /// The current model's file name beside <c>modelPath</c>; when set, that file serves and the model at
        /// <c>modelPath</c> (the candidate) runs in shadow. Set from <see cref="Configuration.CurrentModelFile"/>.
        /// </summary>
        public const string CurrentModelFile = "shadowCurrentModelFile";

        /// <summary>The candidate model file; empty = no shadow evaluation (the model at <c>modelPath</c> alone serves).</summary>
        public const string ModelPath = "shadowModelPath";

        /// <summary>The candidate runs on one frame in this many (1 = every frame).</summary>
        public const string SampleEvery = "shadowSampleEvery";

        /// <summary>The candidate's model component version, reported in the shadow block.</summary>
        public const string CandidateVersion = "shadowCandidateVersion";

        /// <summary>
        /// The current model's component and package versions: in shadow the results (and capture sidecars) are the
        /// current model's and carry these; the health message keeps the model component's (the candidate's), which
        /// the health gate expects. Set from <see cref="ModelComponentConfiguration"/>.
        /// </summary>
        public const string CurrentComponentVersion = "shadowCurrentComponentVersion";

        /// <inheritdoc cref="CurrentComponentVersion"/>
        public const string CurrentPackageVersion = "shadowCurrentPackageVersion";
    }

    /// <summary>
    /// Keys of the model component's configuration that the edge workflow's model recipe writes for a release with a
    /// current model (beside <see cref="CurrentModelFileName"/>): which release that file is.
    /// </summary>
    public static class ModelComponentConfiguration
    {
        public const string CurrentComponentVersion = "currentModelComponentVersion";
        public const string CurrentPackageVersion = "currentModelPackageVersion";
    }

    public static class Defaults
    {
        /// <summary>
        /// 32: the candidate runs on the already letterboxed input of one frame in 32 after the current model's
        /// result is published. A compared frame costs about twice a bare inference (measured: 1 in 16 gave a ratio
        /// of 0.898, 1 in 32 gave 0.933 for a candidate as costly as the current model; edge-component/README.md),
        /// so 32 keeps a device that runs flat out above the 0.90 target. At the default 1 frame per second the
        /// gate's 20 compared frames take under 11 minutes, inside the 15-minute soak.
        /// </summary>
        public const int SampleEvery = 32;

        /// <summary>Compared frames over which the latency p95 of both models is taken (a sliding window).</summary>
        public const int LatencyWindow = 256;
    }

    /// <summary>Boxes of the two models agree when they have the same class and at least this IoU.</summary>
    public const double MatchIou = 0.5;
}
