namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>
/// What the labeling scan relies on in the edge component's capture key layout
/// (<c>&lt;capturePrefix&gt;&lt;thingName&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;sha256&gt;.jpg</c> plus the sidecar at the same key
/// with <see cref="SidecarSuffix"/>; edge-component <c>CaptureObjectKeys</c>). Until the shared contracts project
/// holds the layout, these constants mirror it; a test compares them with the component's keys.
/// </summary>
public static class CaptureLayout
{
    /// <summary>The suffix of a capture's JSON sidecar: listed, counted, never downloaded.</summary>
    public const string SidecarSuffix = ".json";

    /// <summary>
    /// Each device uploads its captures oldest first (a FIFO spool) under its own folder, in date folders; so within a
    /// device folder nothing new appears before the day folder of the last key already seen.
    /// </summary>
    public static string RestartPositionAfter(string lastKey)
    {
        var slash = lastKey.LastIndexOf('/');
        return slash < 0 ? "" : lastKey[..(slash + 1)];
    }
}
