namespace EdgeMlOps.Edge.Inference.Imaging;

/// <summary>Why a frame was skipped. The names are the health message's <c>failures</c> keys.</summary>
public enum ImageFailureReason
{
    None,
    /// <summary>The file had no bytes.</summary>
    Empty,
    /// <summary>The content is not a supported JPEG (for example a PNG named .jpg, or a CMYK JPEG).</summary>
    UnsupportedFormat,
    /// <summary>
    /// The file is larger than the configured byte limit (nothing was read), or its header declares more pixels than
    /// the pixel limit (nothing was decoded).
    /// </summary>
    TooLarge,
    /// <summary>The JPEG stream ends early.</summary>
    Truncated,
    /// <summary>The JPEG header or data is invalid.</summary>
    Corrupt,
    /// <summary>The file could not be read (deleted before it was read, no permission, I/O error).</summary>
    Unreadable,
    /// <summary>Not a regular file (FIFO, device, socket, directory, symbolic link loop): never opened for reading.</summary>
    UnsupportedFile,
}

public static class ImageFailureReasonNames
{
    /// <summary>The kebab-case name used in messages and logs ("too-large").</summary>
    public static string ToWireName(this ImageFailureReason reason) => reason switch
    {
        ImageFailureReason.None => "none",
        ImageFailureReason.Empty => "empty-file",
        ImageFailureReason.UnsupportedFormat => "unsupported-format",
        ImageFailureReason.TooLarge => "too-large",
        ImageFailureReason.Truncated => "truncated",
        ImageFailureReason.Corrupt => "corrupt",
        ImageFailureReason.Unreadable => "unreadable",
        ImageFailureReason.UnsupportedFile => "unsupported-file",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
