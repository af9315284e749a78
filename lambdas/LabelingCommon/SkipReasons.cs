namespace EdgeMlOps.Labeling.Common;

/// <summary>Reasons an input is skipped; they appear as keys in Lambda results and notifications.</summary>
public static class SkipReasons
{
    public const string UnsupportedImage = "unsupported-image";
    public const string EmptyObject = "empty-object";
    public const string MalformedManifestLine = "malformed-manifest-line";
    public const string MissingSourceRef = "missing-source-ref";
    public const string MissingLabel = "missing-label";
    public const string MalformedAnnotation = "malformed-annotation";
    public const string BoxOutsideImage = "box-outside-image";
    public const string InvalidImageSize = "invalid-image-size";
    public const string UnknownClass = "unknown-class";
    public const string MissingVerification = "missing-verification";
    public const string MalformedLabelHistoryRow = "malformed-label-history-row";
}
