namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>An image seen by an earlier scan that has no APPROVED label yet.</summary>
public sealed record PendingImage(string Key, DateTime LastModified);

/// <summary>
/// What the scan remembers between runs (a JSON object in the data bucket): per listing unit (a device folder under
/// the capture prefix) the position to list after, and every image seen but not yet APPROVED. Memory and listing
/// work are bounded by the new objects and this backlog, not by everything ever stored.
/// </summary>
public sealed record ScanState(IReadOnlyDictionary<string, string> Positions, IReadOnlyList<PendingImage> Pending)
{
    public static ScanState Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal), []);
}
