using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>Inputs of the inference component recipe.</summary>
public sealed record InferenceRecipeProps
{
    /// <summary>Component name, e.g. com.edgemlops.Inference. Required.</summary>
    public required string ComponentName { get; init; }

    /// <summary>Semantic version (major.minor.patch), e.g. derived from the artifact's content hash. Required.</summary>
    public required string ComponentVersion { get; init; }

    /// <summary>s3:// URI of the artifact zip. Required.</summary>
    public required string ArtifactUri { get; init; }

    /// <summary>The model component this one depends on (HARD: a new model restarts inference). Required.</summary>
    public required string ModelComponentName { get; init; }

    /// <summary>Accepted model component versions. Default: "&gt;=1.0.0".</summary>
    public string ModelComponentVersionRequirement { get; init; } = ">=1.0.0";

    /// <summary>
    /// The model file inside the model component's artifacts, relative to its artifact folder. Default: model.onnx
    /// (a plain artifact, reached through <c>{model:artifacts:path}</c>).
    /// </summary>
    public string ModelFile { get; init; } = "model.onnx";

    /// <summary>
    /// True when the model component's artifact is a zip Greengrass unpacks (then the path goes through
    /// <c>{model:artifacts:decompressedPath}</c> and <see cref="ModelFile"/> includes the archive's folder). Default: false.
    /// </summary>
    public bool ModelArtifactIsArchive { get; init; }

    /// <summary>
    /// Configuration keys of the model component holding its own version and the model package version; passed
    /// to the component as recipe variables. Defaults: /modelComponentVersion and /modelPackageVersion. Left
    /// unresolved by Greengrass when absent, which the component treats as "unknown".
    /// </summary>
    public string ModelComponentVersionKey { get; init; } = "/modelComponentVersion";

    /// <inheritdoc cref="ModelComponentVersionKey"/>
    public string ModelPackageVersionKey { get; init; } = "/modelPackageVersion";

    /// <summary>
    /// Configuration key of the model component holding its class names joined with ',' (the edge workflow's model
    /// recipe writes it from the model package metadata), passed as the component's <c>classNames</c>: the names
    /// used when the model file carries none. Default: /classNamesArgument. Left unresolved when absent, which the
    /// component ignores.
    /// </summary>
    public string ModelClassNamesKey { get; init; } = "/classNamesArgument";

    /// <summary>
    /// Configuration key of the model component holding its acceptance set's document, relative to the model
    /// component's unpacked artifacts (e.g. <c>acceptance/acceptance.json</c>; empty when the model has none). Default:
    /// /acceptanceSet. Left unresolved when absent, which the component reads as "no set".
    /// </summary>
    public string ModelAcceptanceSetKey { get; init; } = "/acceptanceSet";

    /// <summary>Results topic; <c>{thingName}</c> is replaced by the component, <c>{iot:thingName}</c> by Greengrass. Default: edgemlops/{thingName}/inference/results.</summary>
    public string ResultsTopic { get; init; } = InferenceConfiguration.Defaults.ResultsTopic;

    /// <summary>Health topic. Default: edgemlops/{thingName}/inference/health.</summary>
    public string HealthTopic { get; init; } = InferenceConfiguration.Defaults.HealthTopic;

    /// <summary>
    /// The device prerequisites component (.NET runtime, libturbojpeg; <see cref="DevicePrerequisitesRecipeRenderer"/>)
    /// this one depends on (HARD: Greengrass installs it first and starts inference only once its Install succeeded).
    /// Default: null, no dependency (the device must already have the runtime and libturbojpeg).
    /// </summary>
    public string? PrerequisitesComponentName { get; init; }

    /// <summary>
    /// Accepted prerequisites component versions, e.g. "=1.0.123" (exact: the pair is released together). Required
    /// with <see cref="PrerequisitesComponentName"/>. Default: null.
    /// </summary>
    public string? PrerequisitesVersionRequirement { get; init; }

    /// <summary>
    /// Depend on aws.greengrass.TokenExchangeService, which gives the capture uploader AWS credentials for S3.
    /// Default: true (false leaves captures in the local spool only).
    /// </summary>
    public bool UseTokenExchangeService { get; init; } = true;

    /// <summary>Seconds Greengrass waits for a clean stop after SIGTERM. Default: 20.</summary>
    public int ShutdownTimeoutSeconds { get; init; } = 20;

    /// <summary>
    /// Folder of images the component reads (a camera's output folder). Default: empty, meaning the sample images
    /// shipped in the artifact are replayed (the simulated camera).
    /// </summary>
    public string ImagesPath { get; init; } = string.Empty;

    /// <summary>Name of the artifact zip without ".zip"; Greengrass unpacks it into a folder of this name. Default: edge-inference.</summary>
    public string ArchiveName { get; init; } = InferenceArtifactLayout.DefaultArchiveName;

    public string ComponentDescription { get; init; } = "YOLOv8 inference on ONNX Runtime: results and health to AWS IoT Core, uncertain frames captured for labelling.";

    public string ComponentPublisher { get; init; } = "EdgeMlOpsInfra";

    /// <summary>Every problem, each naming its property; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ComponentName))
        {
            problems.Add("ComponentName must not be empty.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(ComponentVersion ?? string.Empty, @"^\d+\.\d+\.\d+$"))
        {
            problems.Add($"ComponentVersion '{ComponentVersion}' must be major.minor.patch.");
        }

        if (string.IsNullOrWhiteSpace(ArtifactUri) || !ArtifactUri.StartsWith("s3://", StringComparison.Ordinal))
        {
            problems.Add($"ArtifactUri '{ArtifactUri}' must be an s3:// URI.");
        }

        if (string.IsNullOrWhiteSpace(ModelComponentName))
        {
            problems.Add("ModelComponentName must not be empty.");
        }

        if (string.Equals(ModelComponentName, ComponentName, StringComparison.Ordinal))
        {
            problems.Add($"ModelComponentName must differ from ComponentName ('{ComponentName}').");
        }

        if (string.IsNullOrWhiteSpace(ModelFile) || ModelFile.StartsWith('/') || ModelFile.Contains("..", StringComparison.Ordinal))
        {
            problems.Add($"ModelFile '{ModelFile}' must be a relative path inside the model component's artifacts.");
        }

        if (PrerequisitesComponentName is not null)
        {
            if (string.IsNullOrWhiteSpace(PrerequisitesComponentName)
                || PrerequisitesComponentName == ComponentName
                || PrerequisitesComponentName == ModelComponentName)
            {
                problems.Add($"PrerequisitesComponentName '{PrerequisitesComponentName}' must be a name other than ComponentName and ModelComponentName.");
            }

            if (string.IsNullOrWhiteSpace(PrerequisitesVersionRequirement))
            {
                problems.Add($"PrerequisitesVersionRequirement must be given with PrerequisitesComponentName '{PrerequisitesComponentName}'.");
            }
        }

        foreach (var (name, topic) in new[] { ("ResultsTopic", ResultsTopic), ("HealthTopic", HealthTopic) })
        {
            if (string.IsNullOrWhiteSpace(topic) || topic.Contains('#', StringComparison.Ordinal) || topic.Contains('+', StringComparison.Ordinal))
            {
                problems.Add($"{name} '{topic}' must be a plain topic (no wildcards).");
            }
        }

        if (ResultsTopic == HealthTopic)
        {
            problems.Add("ResultsTopic and HealthTopic must differ.");
        }

        if (ShutdownTimeoutSeconds is < 1 or > 600)
        {
            problems.Add($"ShutdownTimeoutSeconds must be between 1 and 600 (got {ShutdownTimeoutSeconds}).");
        }

        if (string.IsNullOrWhiteSpace(ArchiveName) || ArchiveName.Contains('/', StringComparison.Ordinal))
        {
            problems.Add($"ArchiveName '{ArchiveName}' must be a plain file name.");
        }

        return problems;
    }
}
