namespace EdgeMlOps.Contracts;

/// <summary>
/// Names of the SSM parameters through which the apps meet. The owning app writes them, consumers read
/// them at deploy time; no CloudFormation exports cross app boundaries. Listed in README.md ("Contract").
/// </summary>
public sealed class ParameterContract
{
    private readonly string _root;

    /// <param name="parameterRoot">The environment's root, <c>/&lt;namePrefix&gt;/&lt;env&gt;</c> (AppSettings.ParameterRoot).</param>
    public ParameterContract(string parameterRoot)
    {
        if (string.IsNullOrEmpty(parameterRoot) || !parameterRoot.StartsWith('/') || parameterRoot.EndsWith('/'))
        {
            throw new ArgumentException($"parameterRoot must start with '/' and not end with '/', got '{parameterRoot}'", nameof(parameterRoot));
        }

        _root = parameterRoot;
    }

    // Owned by the labeling app.
    public string LabelingDataBucketName => $"{_root}/labeling/data-bucket-name";

    public string LabelingDataBucketKeyArn => $"{_root}/labeling/data-bucket-key-arn";

    public string LabelingIncomingPrefix => $"{_root}/labeling/incoming-prefix";

    public string LabelingCapturePrefix => $"{_root}/labeling/capture-prefix";

    public string LabelingFeatureGroupName => $"{_root}/labeling/feature-group-name";

    public string LabelingOfflineStoreDatabase => $"{_root}/labeling/offline-store-database";

    public string LabelingOfflineStoreTable => $"{_root}/labeling/offline-store-table";

    public string LabelingOfflineStoreUri => $"{_root}/labeling/offline-store-uri";

    /// <summary>ARN of the labeling workflow (the edge app's dashboard and workflow-failed alarm).</summary>
    public string LabelingStateMachineArn => $"{_root}/labeling/state-machine-arn";

    /// <summary>Log group of the labeling workflow's executions (the dashboard's last labeling jobs).</summary>
    public string LabelingWorkflowLogGroupName => $"{_root}/labeling/workflow-log-group-name";

    // Owned by the training app.
    public string TrainingModelPackageGroupName => $"{_root}/training/model-package-group-name";

    public string TrainingArtifactsBucketName => $"{_root}/training/artifacts-bucket-name";

    public string TrainingArtifactsBucketKeyArn => $"{_root}/training/artifacts-bucket-key-arn";

    /// <summary>ARN of the training workflow (the edge app's dashboard and workflow-failed alarm).</summary>
    public string TrainingStateMachineArn => $"{_root}/training/state-machine-arn";

    /// <summary>Log group of the training workflow's executions (the dashboard's last training execution and its metrics).</summary>
    public string TrainingWorkflowLogGroupName => $"{_root}/training/workflow-log-group-name";

    /// <summary>Name of the SageMaker training pipeline (its AWS/Sagemaker/ModelBuildingPipeline metrics).</summary>
    public string TrainingPipelineName => $"{_root}/training/pipeline-name";

    /// <summary>Table of the devices' latest drift events (layout in <see cref="DriftEventsSchema"/>): the edge app writes, training reads.</summary>
    public string TrainingDriftEventsTableName => $"{_root}/training/drift-events-table-name";

    // Owned by the edge deployment app.
    public string EdgeDeployedModelPackage => $"{_root}/edge/deployed-model-package";

    public string EdgeArtifactsBucketName => $"{_root}/edge/artifacts-bucket-name";

    public string EdgeStateMachineArn => $"{_root}/edge/state-machine-arn";

    public string EdgeHealthTableName => $"{_root}/edge/health-table-name";
}
