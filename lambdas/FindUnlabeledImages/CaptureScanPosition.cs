namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>
/// Where the next scan of a device folder starts. The capture layout (<c>EdgeMlOps.Contracts.CaptureLayout</c>:
/// <c>&lt;prefix&gt;&lt;thingName&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;sha256&gt;.jpg</c> and its sidecar) puts a device's captures in date
/// folders, and a device uploads them oldest first (a FIFO spool); so within a device folder nothing new appears before
/// the day folder of the last key already seen, and within that day the hash names are in no order.
/// </summary>
public static class CaptureScanPosition
{
    /// <summary>The ListObjectsV2 StartAfter for the next scan: the folder of the last key seen (re-listed whole).</summary>
    public static string RestartAfter(string lastKey)
    {
        var slash = lastKey.LastIndexOf('/');
        return slash < 0 ? "" : lastKey[..(slash + 1)];
    }
}
