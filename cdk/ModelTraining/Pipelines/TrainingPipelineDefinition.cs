using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// The training pipeline: PrepareDataset (Lambda) → Train (YOLOv8, ONNX export) → Evaluate (test split,
/// evaluation report as property file) → CheckMapThreshold: RegisterModel when mAP50 ≥ MapThreshold, else
/// MapBelowThreshold (Fail, with the metric and the threshold in its message).
/// </summary>
public static class TrainingPipelineDefinition
{
    public const string PrepareDatasetStepName = "PrepareDataset";
    public const string TrainStepName = "Train";
    public const string EvaluateStepName = "Evaluate";
    public const string ConditionStepName = "CheckMapThreshold";
    public const string RegisterStepName = "RegisterModel";
    public const string FailStepName = "MapBelowThreshold";
    public const string EvaluationReportName = "EvaluationReport";

    /// <summary>Parameter the workflow sets to the Athena result holding the latest approved labels.</summary>
    public const string LabelsCsvUriParameter = "LabelsCsvUri";

    /// <summary>Parameter the workflow sets to what started it (schedule, labels-updated, manual).</summary>
    public const string TriggerSourceParameter = "TriggerSource";

    private const string CodeDir = "/opt/ml/processing/input/code";
    private const string ModelDir = "/opt/ml/processing/input/model";
    private const string DatasetDir = "/opt/ml/processing/input/dataset";
    private const string EvaluationDir = "/opt/ml/processing/output/evaluation";

    public static PipelineDefinition Create(TrainingPipelineInputs inputs)
    {
        if (inputs.ClassNames.Count == 0)
        {
            throw new ArgumentException("TrainingPipelineInputs.ClassNames must name at least one class");
        }

        var settings = inputs.Settings;
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
            }));

        var maxRuntimeSeconds = settings.MaxWaitHours * 3600;
        var train = definition.AddStep(new TrainingStep(TrainStepName, new JsonObject
        {
            ["AlgorithmSpecification"] = new JsonObject
            {
                ["TrainingImage"] = inputs.ContainerImageUri,
                ["TrainingInputMode"] = "File",
            },
            // Script mode of the SageMaker PyTorch container: it fetches sourcedir.tar.gz, installs
            // requirements.txt and runs train.py with the other hyperparameters as --name value arguments.
            // Script-mode values are JSON-encoded, hence the quotes around the two sagemaker_* strings.
            ["HyperParameters"] = new JsonObject
            {
                ["sagemaker_program"] = "\"train.py\"",
                ["sagemaker_submit_directory"] = $"\"{inputs.SourceDirUri}\"",
                ["epochs"] = epochs.AsString,
                ["batch"] = batchSize.AsString,
                ["imgsz"] = imageSize.AsString,
                ["weights-file"] = "\"" + WeightsFileName(inputs.PretrainedWeightsUri) + "\"",
            },
            ["RoleArn"] = inputs.PipelineRoleArn,
            ["InputDataConfig"] = new JsonArray(
                S3Channel("dataset", prepare.Output("DatasetUri")),
                S3Channel("weights", weights.Value)),
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
                    $"set -euo pipefail; cd {CodeDir} && tar -xzf sourcedir.tar.gz && pip install --quiet -r requirements.txt && exec python3 evaluate.py \"$@\"",
                    "evaluate"),
                ["ContainerArguments"] = new JsonArray(
                    "--model-dir", ModelDir,
                    "--dataset-dir", DatasetDir,
                    "--output-dir", EvaluationDir,
                    "--imgsz", imageSize.AsString),
            },
            ["RoleArn"] = inputs.PipelineRoleArn,
            ["ProcessingInputs"] = new JsonArray(
                ProcessingInput("code", inputs.SourceDirUri, CodeDir),
                ProcessingInput("model", train.ModelArtifactsUri, ModelDir),
                ProcessingInput("dataset", prepare.Output("DatasetUri"), DatasetDir)),
            ["ProcessingOutputConfig"] = new JsonObject
            {
                ["Outputs"] = new JsonArray(new JsonObject
                {
                    ["OutputName"] = "evaluation",
                    ["AppManaged"] = false,
                    ["S3Output"] = new JsonObject
                    {
                        ["S3Uri"] = PipelineExpression.Concat($"{artifacts}/evaluations/", PipelineExpression.ExecutionId),
                        ["LocalPath"] = EvaluationDir,
                        ["S3UploadMode"] = "EndOfJob",
                    },
                }),
                ["KmsKeyId"] = inputs.ArtifactsKeyArn,
            },
            ["StoppingCondition"] = new JsonObject { ["MaxRuntimeInSeconds"] = maxRuntimeSeconds },
        }));
        var report = evaluate.AddPropertyFile(EvaluationReportName, "evaluation", "evaluation.json");
        var map50 = PipelineExpression.JsonGet(report, "metrics.map50");
        var reportUri = PipelineExpression.Concat(evaluate.OutputUri("evaluation"), "/evaluation.json");

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
                ["ImageSize"] = imageSize.AsString,
                ["ClassNames"] = string.Join(",", inputs.ClassNames),
                ["DatasetUri"] = prepare.Output("DatasetUri"),
                ["DatasetSnapshotId"] = prepare.Output("SnapshotId"),
                ["LabelCount"] = PipelineExpression.Join(string.Empty, prepare.Output("LabelCount")),
                ["ImageCount"] = PipelineExpression.Join(string.Empty, prepare.Output("ImageCount")),
                ["SourceCommit"] = sourceCommit.Value,
                ["TriggerSource"] = trigger.Value,
                ["Map50"] = PipelineExpression.Join(string.Empty, map50),
                ["Map50_95"] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.map50_95")),
                ["Precision"] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.precision")),
                ["Recall"] = PipelineExpression.Join(string.Empty, PipelineExpression.JsonGet(report, "metrics.recall")),
                ["MapThreshold"] = mapThreshold.AsString,
                ["PipelineExecutionId"] = PipelineExpression.ExecutionId,
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
}
