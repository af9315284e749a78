using System.Globalization;

namespace EdgeMlOps.Edge.Capture;

/// <summary>
/// The S3 key layout of captures: <c>&lt;capturePrefix&gt;&lt;thingName&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;sha256&gt;.jpg</c>
/// and the sidecar at the same key with <c>.json</c>. The date is the capture time in UTC; the content hash makes
/// a re-upload of the same frame overwrite, never duplicate.
/// </summary>
public static class CaptureObjectKeys
{
    public static string ImageKey(string capturePrefix, CaptureMetadata metadata, string sha256) => BaseKey(capturePrefix, metadata, sha256) + ".jpg";

    public static string SidecarKey(string capturePrefix, CaptureMetadata metadata, string sha256) => BaseKey(capturePrefix, metadata, sha256) + ".json";

    private static string BaseKey(string capturePrefix, CaptureMetadata metadata, string sha256)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var day = metadata.CapturedAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{capturePrefix}{metadata.ThingName}/{day:yyyy}/{day:MM}/{day:dd}/{sha256}");
    }
}
