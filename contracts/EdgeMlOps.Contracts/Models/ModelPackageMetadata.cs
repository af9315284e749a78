namespace EdgeMlOps.Contracts;

/// <summary>
/// The training → edge contract: the keys of a model package's <c>CustomerMetadataProperties</c>, written by the
/// training pipeline's RegisterModel step and read by the edge deployment's ModelReleasePlanner.
/// </summary>
/// <remarks>
/// SageMaker constrains every metadata value to letters, digits, spaces and <c>_ . : / = + - @</c> (1–256
/// characters, pattern of CustomerMetadataValue in the API model): no commas, quotes or brackets, so class names
/// are joined with <see cref="ClassNameSeparator"/>, and a class name may not contain it.
/// </remarks>
public static class ModelPackageMetadata
{
    /// <summary>Square input size in pixels the model was trained and exported at, as a decimal integer.</summary>
    public const string ImageSize = "imageSize";

    /// <summary>Class names in class-id order, joined with <see cref="ClassNameSeparator"/>.</summary>
    public const string ClassNames = "classNames";

    /// <summary>
    /// s3:// URI of the exported <c>model.onnx</c>. ModelDataUrl stays SageMaker's model.tar.gz because the API
    /// documents it as "a single gzip compressed tar archive (.tar.gz suffix)"; the edge deploys this file instead.
    /// </summary>
    public const string OnnxModelUri = "onnxModelUri";

    /// <summary>
    /// s3:// URI of the model's acceptance set, <c>acceptance/acceptance.json</c> beside <c>model.onnx</c> (its images
    /// in <c>acceptance/images/</c>): test images with their labels and the model's own predictions at the device
    /// thresholds, and the test-split metrics. Written by the Evaluate step (evaluate.py; format in docs/training.md).
    /// </summary>
    public const string AcceptanceSetUri = "acceptanceSetUri";

    /// <summary>
    /// Lower-case hex SHA-256 of the ONNX model at <see cref="OnnxModelUri"/>, written by the model promotion when it
    /// registers a promoted copy (pre-production, production); a later promotion must find exactly this digest.
    /// </summary>
    public const string OnnxSha256 = "onnxSha256";

    /// <summary>Lineage of a promoted package: ARN of the package it was copied from (the other account's registry).</summary>
    public const string SourceModelPackageArn = "sourceModelPackageArn";

    /// <summary>Lineage of a promoted package: the promotion execution that registered it.</summary>
    public const string PromotionExecutionArn = "promotionExecutionArn";

    /// <summary>
    /// Lineage of a promoted package: ARN of the package training registered in dev, the first of the chain (a
    /// production package's <see cref="SourceModelPackageArn"/> is the pre-production copy).
    /// </summary>
    public const string OriginModelPackageArn = "originModelPackageArn";

    /// <summary>
    /// Lower-case hex SHA-256 of the acceptance archive (<c>acceptance.zip</c> beside the set's folder, the artifact
    /// the edge model component ships), written by the model promotion with the promoted copy; a later promotion
    /// and the check after each copy must find exactly this digest.
    /// </summary>
    public const string AcceptanceArchiveSha256 = "acceptanceArchiveSha256";

    public const string DatasetUri = "datasetUri";
    public const string DatasetSnapshotId = "datasetSnapshotId";
    public const string LabelCount = "labelCount";
    public const string ImageCount = "imageCount";
    public const string SourceCommit = "sourceCommit";
    public const string TriggerSource = "triggerSource";
    public const string Map50 = "map50";
    public const string Map50To95 = "map50_95";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string MapThreshold = "mapThreshold";
    public const string PipelineExecutionId = "pipelineExecutionId";

    /// <summary>
    /// Names of the labeling jobs whose labels are in the training dataset, joined with
    /// <see cref="LabelingJobSeparator"/> (job names are letters, digits and hyphens); optional. Read into the
    /// release ledger.
    /// </summary>
    public const string LabelingJobs = "labelingJobs";

    public const char LabelingJobSeparator = ' ';

    /// <summary>The <see cref="LabelingJobs"/> value when no label of the dataset names its job (a metadata value cannot be empty).</summary>
    public const string NoLabelingJobs = "none";

    /// <summary>
    /// The job name of a label's <c>labeling_job</c> feature, which holds Ground Truth's <c>job-name</c> form
    /// (<c>labeling-job/&lt;name&gt;</c>): the name alone, as <see cref="LabelingJobs"/> lists it.
    /// </summary>
    public static string LabelingJobName(string labelingJobFeature)
    {
        ArgumentNullException.ThrowIfNull(labelingJobFeature);
        const string prefix = "labeling-job/";
        return labelingJobFeature.StartsWith(prefix, StringComparison.Ordinal) ? labelingJobFeature[prefix.Length..] : labelingJobFeature;
    }

    public const char ClassNameSeparator = '/';

    /// <summary>Longest metadata value SageMaker accepts.</summary>
    public const int MaxValueLength = 256;
}
