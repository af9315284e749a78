namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Which images go into the next labeling job.</summary>
/// <param name="Selected">Images of this batch, oldest first.</param>
/// <param name="UnlabeledCount">Images without an APPROVED label, before the cap.</param>
/// <param name="AlreadyApprovedCount">Images skipped because their latest label is APPROVED.</param>
public sealed record ImageSelection(IReadOnlyList<ImageObject> Selected, int UnlabeledCount, int AlreadyApprovedCount)
{
    /// <summary>Unlabeled images left for a later run because of the cap.</summary>
    public int DeferredCount => UnlabeledCount - Selected.Count;
}

public static class UnlabeledImageSelector
{
    /// <summary>
    /// Drops images whose latest label is APPROVED (images with a REJECTED latest label are labeled again),
    /// removes duplicates (overlapping prefixes), and keeps the <paramref name="maxImages"/> oldest so a backlog
    /// drains in arrival order.
    /// </summary>
    public static ImageSelection Select(IEnumerable<ImageObject> images, IReadOnlySet<string> approvedSourceRefs, int maxImages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        var approved = 0;
        var unlabeled = new List<ImageObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (!seen.Add(image.SourceRef))
            {
                continue;
            }

            if (approvedSourceRefs.Contains(image.SourceRef))
            {
                approved++;
            }
            else
            {
                unlabeled.Add(image);
            }
        }

        var selected = unlabeled
            .OrderBy(i => i.LastModified)
            .ThenBy(i => i.SourceRef, StringComparer.Ordinal)
            .Take(maxImages)
            .ToList();
        return new ImageSelection(selected, unlabeled.Count, approved);
    }
}
