using System.Globalization;

namespace EdgeMlOps.Contracts;

/// <summary>
/// Where captured frames live in the labeling bucket. Devices upload each kept frame as
/// <c>&lt;prefix&gt;&lt;thingName&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;sha256&gt;.jpg</c> with its sidecar
/// (<see cref="CaptureMetadata"/>) at the same key ending <see cref="SidecarSuffix"/>; the date is the capture time in
/// UTC and the content hash makes a re-upload overwrite, never duplicate. The labeling app scans the prefix for
/// images and passes sidecars over (<see cref="IsSidecar"/>).
/// </summary>
public static class CaptureLayout
{
    /// <summary>
    /// The capture prefix when none is configured, on both sides: the labeling app's <c>labeling.capturePrefix</c>
    /// (published in SSM and merged into every deployment) and the component's <c>capture.prefix</c>.
    /// </summary>
    public const string DefaultPrefix = "images/captured/";

    public const string ImageSuffix = ".jpg";

    public const string SidecarSuffix = ".json";

    /// <summary>Content type of the sidecar object.</summary>
    public const string SidecarContentType = "application/json";

    public static string ImageKey(string prefix, string thingName, DateTimeOffset capturedAt, string sha256) =>
        BaseKey(prefix, thingName, capturedAt, sha256) + ImageSuffix;

    public static string SidecarKey(string prefix, string thingName, DateTimeOffset capturedAt, string sha256) =>
        BaseKey(prefix, thingName, capturedAt, sha256) + SidecarSuffix;

    /// <summary>A capture's sidecar, not an image to label.</summary>
    public static bool IsSidecar(string key) => key.EndsWith(SidecarSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>A usable capture prefix: empty, or relative and ending in '/'.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is not null && (prefix.Length == 0 || (prefix.EndsWith('/') && !prefix.StartsWith('/')));

    private static string BaseKey(string prefix, string thingName, DateTimeOffset capturedAt, string sha256)
    {
        if (!IsValidPrefix(prefix))
        {
            throw new ArgumentException($"capture prefix '{prefix}' must be empty or a relative S3 prefix ending in '/'", nameof(prefix));
        }

        var day = capturedAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{thingName}/{day:yyyy}/{day:MM}/{day:dd}/{sha256}");
    }
}
