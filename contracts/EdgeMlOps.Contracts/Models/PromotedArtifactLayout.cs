using EdgeMlOps.Contracts.Training;

namespace EdgeMlOps.Contracts;

/// <summary>
/// Where the model promotion copies a package's files in the target stage's training artifacts bucket: one folder
/// per ONNX digest, <c>promoted/&lt;sha256&gt;/</c>, holding everything the promoted package names, so the stage never
/// reads the source account again (the edge workflow copies the model and the acceptance archive from here).
/// </summary>
public static class PromotedArtifactLayout
{
    public const string Prefix = "promoted/";

    public const string ModelFileName = "model.onnx";

    /// <summary>SageMaker's model archive (the package's ModelDataUrl); a second container's would be model-1.tar.gz.</summary>
    public const string ModelDataFileName = "model.tar.gz";

    /// <summary>
    /// CopyObject copies at most 5 GB in one request (larger objects need a multipart UploadPartCopy, which the
    /// workflow does not do): a file above this is refused before anything is copied. Written as 5·10⁹ bytes, the
    /// conservative reading of "5 GB". YOLOv8 ONNX models and their archives are megabytes.
    /// </summary>
    public const long MaxCopyBytes = 5_000_000_000;

    /// <summary><c>promoted/&lt;sha256&gt;/</c>.</summary>
    public static string FolderOf(string onnxSha256) => Prefix + onnxSha256 + "/";

    public static string ModelKey(string onnxSha256) => FolderOf(onnxSha256) + ModelFileName;

    /// <summary>The acceptance document, <c>promoted/&lt;sha256&gt;/acceptance/acceptance.json</c>, beside the model as training writes it.</summary>
    public static string AcceptanceSetKey(string onnxSha256) => FolderOf(onnxSha256) + AcceptanceSet.DevicePath;

    /// <summary>The acceptance archive, <c>promoted/&lt;sha256&gt;/acceptance.zip</c>, where <see cref="AcceptanceSet.ArchiveUri"/> finds it from the document.</summary>
    public static string AcceptanceArchiveKey(string onnxSha256) => FolderOf(onnxSha256) + AcceptanceSet.ArchiveFileName;

    /// <summary>The model archive of the package's container <paramref name="index"/>.</summary>
    public static string ModelDataKey(string onnxSha256, int index) =>
        FolderOf(onnxSha256) + (index == 0 ? ModelDataFileName : $"model-{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}.tar.gz");
}
