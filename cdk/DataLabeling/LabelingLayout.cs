namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// Where things live in the labeling data bucket, and fixed names the workflow and Lambdas share. The image
/// prefixes come from the configuration (<c>labeling.incomingPrefix</c>, <c>capturePrefix</c>, <c>scanPrefixes</c>).
/// </summary>
public static class LabelingLayout
{
    public const string ManifestPrefix = "labeling/manifests/";
    public const string OutputPrefix = "labeling/output/";
    public const string RecordsPrefix = "labeling/feature-records/";
    public const string UiPrefix = "labeling/ui/";
    public const string AthenaResultsPrefix = "labeling/athena-results/";
    public const string OfflineStorePrefix = "feature-store/";

    /// <summary>What the labeling scan remembers between runs: positions per device folder and the unlabeled backlog.</summary>
    public const string ScanStateKey = "labeling/scan-state/state.json";

    public const string LabelingTemplateFile = "bounding-box.liquid.html";
    public const string VerificationTemplateFile = "verification.liquid.html";
    public const string LabelCategoriesFile = "class-labels.json";
    public const string VerificationCategoriesFile = "verification-labels.json";

    /// <summary>Label attribute of the bounding-box job in the output manifest.</summary>
    public const string LabelAttributeName = "label";

    /// <summary>Label attribute of the verification job; must differ from <see cref="LabelAttributeName"/>.</summary>
    public const string VerificationAttributeName = "label-verification";

    /// <summary>Verification answer that approves a label (the verification template's first option).</summary>
    public const string ApprovingVerificationClass = "correct";

    /// <summary>Verification answer that rejects a label.</summary>
    public const string RejectingVerificationClass = "incorrect";

    /// <summary>Records per chunk file: about 60 KB of state per Map iteration, well under the 256 KB limit.</summary>
    public const int RecordChunkSize = 100;

    /// <summary>EventBridge source of the LabelsUpdated event (the training app matches on it).</summary>
    public const string EventSource = "edgemlops.labeling";

    public const string LabelsUpdatedDetailType = "LabelsUpdated";
}
