using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// The training pipeline: PrepareDataset (Lambda) → Train (YOLOv8, ONNX export) → Evaluate (the exported
/// model.onnx, the file that ships, scored on the test split at the device thresholds; evaluation report as
/// property file; model.onnx published as its own S3 object with its acceptance set beside it) →
/// CheckMapThreshold: RegisterModel when the ONNX model's mAP50 ≥ MapThreshold, else MapBelowThreshold (Fail, with
/// the metric and the threshold in its message). The registered metadata follows <see cref="ModelPackageMetadata"/>,
/// the contract the edge deployment reads.
/// </summary>
public static partial class TrainingPipelineDefinition
{
    public const string PrepareDatasetStepName = "PrepareDataset";
    public const string TrainStepName = "Train";
    public const string EvaluateStepName = "Evaluate";
    public const string ConditionStepName = "CheckMapThreshold";
    public const string RegisterStepName = "RegisterModel";
    public const string FailStepName = "MapBelowThreshold";
    public const string EvaluationReportName = "EvaluationReport";

    /// <summary>Processing output of the Evaluate step holding model.onnx, the file the edge deploys.</summary>
    public const string OnnxOutputName = "onnx";

    /// <summary>Parameter the workflow sets to the Athena result holding the latest approved labels.</summary>
    public const string LabelsCsvUriParameter = "LabelsCsvUri";

    /// <summary>Parameter the workflow sets to what started it (schedule, labels-updated, manual).</summary>
    public const string TriggerSourceParameter = "TriggerSource";

    /// <summary>Parameters holding the device thresholds the model is evaluated at (defaults: edge.inference).</summary>
    public const string DeviceConfidenceParameter = "DeviceConfidenceThreshold";

    /// <inheritdoc cref="DeviceConfidenceParameter"/>
    public const string DeviceIouParameter = "DeviceIouThreshold";

    /// <summary>Parameter: test images in the acceptance set.</summary>
    public const string AcceptanceImagesParameter = "AcceptanceImages";

    /// <summary>
    /// Test images in the acceptance set by default: enough to cover a few classes and defect-free images, small
    /// enough for a device to run before serving.
    /// </summary>
    public const int DefaultAcceptanceImages = 16;

    /// <summary>The acceptance set document inside the ONNX output, beside model.onnx (evaluate.py writes it).</summary>
    public const string AcceptanceSetFile = "acceptance/acceptance.json";

    private const string CodeDir = "/opt/ml/processing/input/code";
    private const string ModelDir = "/opt/ml/processing/input/model";
    private const string DatasetDir = "/opt/ml/processing/input/dataset";
    private const string EvaluationDir = "/opt/ml/processing/output/evaluation";
    private const string OnnxDir = "/opt/ml/processing/output/onnx";
    private const string CodeChannelName = "code";
    private const string CodeChannelDir = "/opt/ml/input/data/" + CodeChannelName;

    public static PipelineDefinition Create(TrainingPipelineInputs inputs)
    {
        ValidateClassNames(inputs.ClassNames);
        ValidateDeviceThresholds(inputs.DeviceThresholds);

        var settings = inputs.Settings;
        var sourceDirFile = SourceDirFileName(inputs.SourceDirUri);
        var definition = new PipelineDefinition();
        var artifacts = $"s3://{inputs.ArtifactsBucketName}";

        var labelsCsv = definition.AddParameter(PipelineParameter.String(LabelsCsvUriParameter, $"{artifacts}/labels/approved-labels.csv"));
        var trigger = definition.AddParameter(PipelineParameter.String(TriggerSourceParameter, "manual"));
        var mapThreshold = definition.AddParameter(PipelineParameter.Float("MapThreshold", settings.MapThreshold));
        var epochs = definition.AddParameter(PipelineParameter.Integer("Epochs", settings.Epochs));
        var batchSize = definition.AddParameter(PipelineParameter.Integer("BatchSize", settings.BatchSize));
        var imageSize = definition.AddParameter(PipelineParameter.Integer("ImageSize", settings.ImageSize));
        var trainingInstance = definition.AddParameter(PipelineParameter.String("TrainingInstanceType", settings.TrainingInstanceType));
        var evaluationInstance = definition.AddParameter(PipelineParameter.String("EvaluationInstanceType", settings.ProcessingInstanceType));
        var weights = definition.AddParameter(PipelineParameter.String("PretrainedWeightsUri", inputs.PretrainedWeightsUri));
        var approval = definition.AddParameter(PipelineParameter.String("ModelApprovalStatus", settings.ModelApprovalStatus));
        var splitSeed = definition.AddParameter(PipelineParameter.Integer("SplitSeed", settings.SplitSeed));
        var validationPercent = definition.AddParameter(PipelineParameter.Integer("ValidationPercent", settings.ValidationPercent));
        var testPercent = definition.AddParameter(PipelineParameter.Integer("TestPercent", settings.TestPercent));
        var sourceCommit = definition.AddParameter(PipelineParameter.String("SourceCommit", inputs.SourceCommit));
        var deviceConfidence = definition.AddParameter(PipelineParameter.Float(DeviceConfidenceParameter, inputs.DeviceThresholds.Confidence));
        var deviceIou = definition.AddParameter(PipelineParameter.Float(DeviceIouParameter, inputs.DeviceThresholds.Iou));
        var acceptanceImages = definition.AddParameter(PipelineParameter.Integer(AcceptanceImagesParameter, DefaultAcceptanceImages));

        var prepare = definition.AddStep(new LambdaStep(
            PrepareDatasetStepName,
            inputs.PrepareDatasetFunctionArn,
            new JsonObject
            {
                ["LabelsCsvUri"] = labelsCsv.Value,
                ["OutputUri"] = PipelineExpression.Concat($"{artifacts}/datasets/", PipelineExpression.ExecutionId),
                ["ClassNames"] = new JsonArray(inputs.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
                ["SplitSeed"] = splitSeed.Value,
                ["ValidationPercent"] = validationPercent.Value,
                ["TestPercent"] = testPercent.Value,
            },
            new Dictionary<string, LambdaOutputType>
            {
                ["DatasetUri"] = LambdaOutputType.String,
                ["ImageCount"] = LambdaOutputType.Integer,
                ["LabelCount"] = LambdaOutputType.Integer,
                ["TrainImages"] = LambdaOutputType.Integer,
                ["ValidationImages"] = LambdaOutputType.Integer,
                ["TestImages"] = LambdaOutputType.Integer,
                ["SkippedLabels"] = LambdaOutputType.Integer,
                ["SnapshotId"] = LambdaOutputType.String,
                ["LabelingJobs"] = LambdaOutputType.String,
            }));

        var maxRuntimeSeconds = settings.MaxWaitHours * 3600;
        var train = definition.AddStep(new TrainingStep(TrainStepName, new JsonObject
        {
            ["AlgorithmSpecification"] = new JsonObject
            {
                ["TrainingImage"] = inputs.ContainerImageUri,
                ["TrainingInputMode"] = "File",
            },
            // Script mode of the SageMaker PyTorch container: it unpacks sourcedir.tar.gz and runs train.py with the
            // other hyperparameters as --name value arguments. With network isolation the container cannot fetch
            // from S3 itself, so the archive comes in as the "code" channel and is named by its local path.
            // Script-mode values are JSON-encoded, hence the quotes around the two sagemaker_* strings.
            ["HyperParameters"] = new JsonObject
            {
                ["sagemaker_program"] = "\"train.py\"",
                ["sagemaker_submit_directory"] = $"\"{CodeChannelDir}/{sourceDirFile}\"",
                ["epochs"] = epochs.AsString,
                ["batch"] = batchSize.AsString,
                ["imgsz"] = imageSize.AsString,
                ["weights-file"] = "\"" + WeightsFileName(inputs.PretrainedWeightsUri) + "\"",
            },
            ["RoleArn"] = inputs.PipelineRoleArn,
            ["InputDataConfig"] = new JsonArray(
                S3Channel("dataset", prepare.Output("DatasetUri")),
                S3Channel("weights", weights.Value),
                S3Channel(CodeChannelName, JsonValue.Create(inputs.SourceDirUri)!)),
            // No network in the container: dependencies are in the image, data and weights arrive as channels.
            ["EnableNetworkIsolation"] = true,
            ["OutputDataConfig"] = new JsonObject
            {
                ["S3OutputPath"] = $"{artifacts}/models/",
                ["KmsKeyId"] = inputs.ArtifactsKeyArn,
            },
            ["ResourceConfig"] = new JsonObject
            {
                ["InstanceCount"] = 1,
                ["InstanceType"] = trainingInstance.Value,
                ["VolumeSizeInGB"] = 50,
            },
            ["StoppingCondition"] = new JsonObject { ["MaxRuntimeInSeconds"] = maxRuntimeSeconds },
        }));

        var evaluate = definition.AddStep(new ProcessingStep(EvaluateStepName, new JsonObject
        {
            ["ProcessingResources"] = new JsonObject
            {
                ["ClusterConfig"] = new JsonObject
                {
                    ["InstanceCount"] = 1,
                    ["InstanceType"] = evaluationInstance.Value,
                    ["VolumeSizeInGB"] = 30,
                },
            },
            ["AppSpecification"] = new JsonObject
            {
                ["ImageUri"] = inputs.ContainerImageUri,
                ["ContainerEntrypoint"] = new JsonArray(
                    "bash",
                    "-c",
                    // Nothing is installed here: the image holds the pinned requirements and the job has no network.
                    $"set -euo pipefail; cd {CodeDir} && tar -xzf {sourceDirFile} && exec python3 evaluate.py \"$@\"",
                    "evaluate"),
                ["ContainerArguments"] = new JsonArray(
                    "--model-dir", ModelDir,
                    "--dataset-dir", DatasetDir,
                    "--output-dir", EvaluationDir,
                    "--onnx-output-dir", OnnxDir,
                    "--imgsz", imageSize.AsString,
                    "--conf", deviceConfidence.AsString,
                    "--iou", deviceIou.AsString,
                    "--acceptance-images", acceptanceImages.AsString),
            },
            ["RoleArn"] = inputs.PipelineRoleArn,
            // Inputs and outputs are moved by SageMaker, outside the container; the container itself has no network.
            ["NetworkConfig"] = new JsonObject { ["EnableNetworkIsolation"] = true },
            ["ProcessingInputs"] = new JsonArray(
                ProcessingInput("code", inputs.SourceDirUri, CodeDir),
                ProcessingInput("model", train.ModelArtifactsUri, ModelDir),
                ProcessingInput("dataset", prepare.Output("DatasetUri"), DatasetDir)),
            ["ProcessingOutputConfig"] = new JsonObject
            {
                ["Outputs"] = new JsonArray(
                    ProcessingOutput("evaluation", PipelineExpression.Concat($"{artifacts}/evaluations/", PipelineExpression.ExecutionId), EvaluationDir),
                    // The ONNX file as its own object at a per-execution key, its acceptance set beside it: the edge
                    // copies exactly these files, it never unpacks SageMaker's model.tar.gz. Under models/, which the
                    // pipeline role may write.
                    ProcessingOutput(OnnxOutputName, PipelineExpression.Concat($"{artifacts}/models/onnx/", PipelineExpression.ExecutionId), OnnxDir)),
                ["KmsKeyId"] = inputs.ArtifactsKeyArn,
            },
            ["StoppingCondition"] = new JsonObject { ["MaxRuntimeInSeconds"] = maxRuntimeSeconds },
        }));
        var report = evaluate.AddPropertyFile(EvaluationReportName, "evaluation", "evaluation.json");
        var map50 = PipelineExpression.JsonGet(report, "metrics.map50");
        var reportUri = PipelineExpression.Concat(evaluate.OutputUri("evaluation"), "/evaluation.json");
        var onnxUri = PipelineExpression.Concat(evaluate.OutputUri(OnnxOutputName), "/model.onnx");
        var acceptanceUri = PipelineExpression.Concat(evaluate.OutputUri(OnnxOutputName), "/" + AcceptanceSetFile);

        var register = new RegisterModelStep(RegisterStepName, new JsonObject
        {
            ["ModelPackageGroupName"] = inputs.ModelPackageGroupName,
            ["ModelPackageDescription"] = PipelineExpression.Concat("YOLOv8 ONNX model trained by pipeline execution ", PipelineExpression.ExecutionId),
            ["ModelApprovalStatus"] = approval.Value,
            ["InferenceSpecification"] = new JsonObject
            {
                ["Containers"] = new JsonArray(new JsonObject
                {
                    ["Image"] = inputs.ContainerImageUri,
                    // CreateModelPackage documents ModelDataUrl as a single .tar.gz archive, so it stays the
                    // training job's model.tar.gz; the ONNX file is metadata onnxModelUri.
                    ["ModelDataUrl"] = train.ModelArtifactsUri,
                    ["Framework"] = "ONNX",
                }),
                ["SupportedContentTypes"] = new JsonArray("image/jpeg"),
                ["SupportedResponseMIMETypes"] = new JsonArray("application/json"),
            },
            ["ModelMetrics"] = new JsonObject
            {
                ["ModelQuality"] = new JsonObject
                {
                    ["Statistics"] = new JsonObject
                    {
                        ["ContentType"] = "application/json",
                        ["S3Uri"] = reportUri,
                    },
                },
            },
            ["CustomerMetadataProperties"] = new JsonObject
            {
                [ModelPackageMetadata.OnnxModelUri] = onnxUri,
                [ModelPackageMetadata.AcceptanceSetUri] = acceptanceUri,
                [ModelPackageMetadata.ImageSize] = imageSize.AsString,
                [ModelPackageMetadata.ClassNames] = JoinClassNames(inputs.ClassNames),
                [ModelPackageMetadata.DatasetUri] = prepare.Output("DatasetUri"),
                [ModelPackageMetadata.DatasetSnapshotId] = prepare.Output("SnapshotId"),
                [ModelPackageMetadata.LabelingJobs] = prepare.Output("LabelingJobs"),
                [ModelPackageMetadata.LabelCount] = PipelineExpression.Join(string.Empty, prepare.Output("LabelCount")),
                [ModelPackageMetadata.ImageCount] = PipelineExpression.Join(string.Empty, prepare.Output("ImageCount")),
                [ModelPackageMetadata.SourceCommit] = sourceCommit.Value,
                [ModelPackageMetadata.TriggerSource] = trigger.Value,
                [ModelPackageMetadata.Map50] = PipelineExpression.Join(string.Empty, map50),
                [ModelPackageMetadata.Map50To95] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.map50_95")),
                [ModelPackageMetadata.Precision] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.precision")),
                [ModelPackageMetadata.Recall] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.recall")),
                [ModelPackageMetadata.MapThreshold] = mapThreshold.AsString,
                [ModelPackageMetadata.PipelineExecutionId] = PipelineExpression.ExecutionId,
            },
        });

        var fail = new FailStep(FailStepName, PipelineExpression.Join(
            " ",
            JsonValue.Create("Model not registered: mAP50 on the test split is")!,
            map50,
            JsonValue.Create("which is below the threshold")!,
            mapThreshold.Value));

        definition.AddStep(new ConditionStep(
            ConditionStepName,
            [new PipelineCondition(ConditionType.GreaterThanOrEqualTo, map50, mapThreshold.Value)],
            [register],
            [fail]));
        return definition;
    }

    /// <summary>Class names as metadata <c>classNames</c>: joined with '/', the value SageMaker accepts.</summary>
    public static string JoinClassNames(IReadOnlyList<string> classNames) =>
        string.Join(ModelPackageMetadata.ClassNameSeparator, classNames);

    /// <summary>
    /// File name of the scripts archive once SageMaker downloaded it: the last segment of its S3 key (an asset's key
    /// is its hash, e.g. <c>3f2a….gz</c>, not sourcedir.tar.gz), which the jobs must name exactly.
    /// </summary>
    public static string SourceDirFileName(string sourceDirUri)
    {
        var name = S3Uri.TryParse(sourceDirUri, out var location, out var error) ? location.FileName : string.Empty;
        if (name.Length == 0)
        {
            throw new ArgumentException($"TrainingPipelineInputs.SourceDirUri must be s3://bucket/key of a .tar.gz, got '{sourceDirUri}'{(error.Length > 0 ? ": " + error : string.Empty)}");
        }

        return name;
    }

    /// <summary>File name of the weights inside the weights channel, e.g. yolov8n.pt.</summary>
    public static string WeightsFileName(string weightsUri)
    {
        var slash = weightsUri.LastIndexOf('/');
        return slash < 0 || slash == weightsUri.Length - 1 ? "yolov8n.pt" : weightsUri[(slash + 1)..];
    }

    private static JsonObject S3Channel(string name, JsonNode uri) => new()
    {
        ["ChannelName"] = name,
        ["DataSource"] = new JsonObject
        {
            ["S3DataSource"] = new JsonObject
            {
                ["S3DataType"] = "S3Prefix",
                ["S3Uri"] = uri.DeepClone(),
                ["S3DataDistributionType"] = "FullyReplicated",
            },
        },
    };

    private static JsonObject ProcessingInput(string name, JsonNode uri, string localPath) => new()
    {
        ["InputName"] = name,
        ["AppManaged"] = false,
        ["S3Input"] = new JsonObject
        {
            ["S3Uri"] = uri.DeepClone(),
            ["LocalPath"] = localPath,
            ["S3DataType"] = "S3Prefix",
            ["S3InputMode"] = "File",
            ["S3DataDistributionType"] = "FullyReplicated",
            ["S3CompressionType"] = "None",
        },
    };

    private static JsonObject ProcessingInput(string name, string uri, string localPath) => ProcessingInput(name, JsonValue.Create(uri)!, localPath);

    private static JsonObject ProcessingOutput(string name, JsonNode uri, string localPath) => new()
    {
        ["OutputName"] = name,
        ["AppManaged"] = false,
        ["S3Output"] = new JsonObject
        {
            ["S3Uri"] = uri,
            ["LocalPath"] = localPath,
            ["S3UploadMode"] = "EndOfJob",
        },
    };

    // A registration SageMaker rejects would only show after hours of training: check the class names at synth.
    private static void ValidateClassNames(IReadOnlyList<string> classNames)
    {
        var problems = new List<string>();
        if (classNames.Count == 0)
        {
            problems.Add("must name at least one class");
        }

        foreach (var name in classNames.Where(n => !ClassNamePattern().IsMatch(n)))
        {
            problems.Add($"'{name}' may only hold letters, digits, spaces and _ . : = + - @ (model package metadata allows no other characters, and '/' separates the names)");
        }

        var joined = JoinClassNames(classNames);
        if (joined.Length > ModelPackageMetadata.MaxValueLength)
        {
            problems.Add($"joined with '/' they are {joined.Length} characters; model package metadata values hold at most {ModelPackageMetadata.MaxValueLength}");
        }

        // The acceptance set covers every class and a defect-free image (evaluate.py fails otherwise, after training).
        if (classNames.Count + 1 > DefaultAcceptanceImages)
        {
            problems.Add($"{classNames.Count} classes and a defect-free image do not fit the acceptance set of {DefaultAcceptanceImages} images");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"labeling.classLabels (TrainingPipelineInputs.ClassNames): {string.Join("; ", problems)}");
        }
    }

    private static void ValidateDeviceThresholds(DeviceThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Confidence is not (>= 0 and <= 1) || thresholds.Iou is not (>= 0 and <= 1))
        {
            throw new ArgumentException(
                $"TrainingPipelineInputs.DeviceThresholds (edge.inference.confidenceThreshold, iouThreshold) must be within 0-1, got {thresholds.Confidence} and {thresholds.Iou}");
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:=+\-@]+$")]
    private static partial Regex ClassNamePattern();
}
