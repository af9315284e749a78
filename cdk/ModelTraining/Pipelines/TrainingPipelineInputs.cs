using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// What the training pipeline definition is made of: the configured settings and the names of the resources
/// it runs against. In a stack these are CloudFormation tokens; for the readable copy they are placeholders.
/// </summary>
public sealed record TrainingPipelineInputs
{
    /// <summary>The training section of the configuration. Required.</summary>
    public required TrainingSettings Settings { get; init; }

    /// <summary>Class names; the class id is the index. Required, at least one.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Role every job of the pipeline runs as. Required.</summary>
    public required string PipelineRoleArn { get; init; }

    /// <summary>ARN of the PrepareYoloDataset function. Required.</summary>
    public required string PrepareDatasetFunctionArn { get; init; }

    /// <summary>Bucket receiving datasets, models and evaluation reports. Required.</summary>
    public required string ArtifactsBucketName { get; init; }

    /// <summary>KMS key of that bucket, used for job outputs. Required.</summary>
    public required string ArtifactsKeyArn { get; init; }

    /// <summary>Model package group new models are registered in. Required.</summary>
    public required string ModelPackageGroupName { get; init; }

    /// <summary>Container image of the training and evaluation jobs. Required.</summary>
    public required string ContainerImageUri { get; init; }

    /// <summary>S3 URI of <c>sourcedir.tar.gz</c> (train.py, evaluate.py, requirements.txt). Required.</summary>
    public required string SourceDirUri { get; init; }

    /// <summary>S3 URI of the pretrained YOLOv8 weights. Required.</summary>
    public required string PretrainedWeightsUri { get; init; }

    /// <summary>Commit the definition was synthesized from, stored in the model package metadata. Required.</summary>
    public required string SourceCommit { get; init; }

    /// <summary>
    /// The thresholds the devices run with (the edge app's <c>edge.inference</c> settings), at which the Evaluate step
    /// scores the exported model and computes the acceptance set's predictions. Required.
    /// </summary>
    public required DeviceThresholds DeviceThresholds { get; init; }
}

/// <summary>Detection thresholds of the inference component on the devices.</summary>
/// <param name="Confidence">Minimum confidence of a reported detection (0-1).</param>
/// <param name="Iou">Non-maximum-suppression IoU threshold (0-1).</param>
public sealed record DeviceThresholds(double Confidence, double Iou);
