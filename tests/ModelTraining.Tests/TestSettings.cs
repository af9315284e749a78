using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests;

/// <summary>The shipped dev configuration and pipeline inputs with readable placeholder resource names.</summary>
internal static class TestSettings
{
    private static readonly Lazy<AppSettings> s_dev = new(() => SettingsLoader.LoadEnvironment(RepositoryRoot.Path, "dev"));

    public static AppSettings Dev => s_dev.Value;

    public static TrainingPipelineInputs PipelineInputs(TrainingSettings? training = null, IReadOnlyList<string>? classNames = null) => new()
    {
        Settings = training ?? Dev.Training,
        ClassNames = classNames ?? Dev.Labeling.ClassLabels,
        PipelineRoleArn = "arn:aws:iam::123456789012:role/pipeline",
        PrepareDatasetFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:prepare",
        ArtifactsBucketName = "artifacts-bucket",
        ArtifactsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/artifacts",
        ModelPackageGroupName = "edgemlops-dev-models",
        ContainerImageUri = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311",
        SourceDirUri = "s3://assets/sourcedir.tar.gz",
        PretrainedWeightsUri = "s3://artifacts-bucket/pretrained/yolov8n.pt",
        SourceCommit = "0123abc",
        DeviceThresholds = new DeviceThresholds(Dev.Edge.Inference.ConfidenceThreshold, Dev.Edge.Inference.IouThreshold),
    };
}
