namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// Class-wise greedy non-maximum suppression: candidates are taken best first (ties: lower index first, so results
/// are deterministic); a candidate is dropped when it overlaps an already kept box of the same class by more than the
/// IoU threshold. Works in place on the caller's span and allocates nothing.
/// </summary>
public static class NonMaximumSuppression
{
    /// <summary>The order candidates are taken in: higher confidence first, then lower anchor index.</summary>
    public static readonly Comparison<IndexedDetection> BestFirst = static (a, b) =>
    {
        var byScore = b.Detection.Confidence.CompareTo(a.Detection.Confidence);
        return byScore != 0 ? byScore : a.Index.CompareTo(b.Index);
    };

    /// <summary>
    /// Sorts <paramref name="candidates"/> and compacts the survivors to its front; returns how many survived
    /// (at most <paramref name="maxDetections"/>).
    /// </summary>
    public static int Apply(Span<IndexedDetection> candidates, float iouThreshold, int maxDetections)
    {
        candidates.Sort(BestFirst);

        var kept = 0;
        for (var i = 0; i < candidates.Length && kept < maxDetections; i++)
        {
            var candidate = candidates[i].Detection;
            var suppressed = false;
            for (var k = 0; k < kept; k++)
            {
                var keptDetection = candidates[k].Detection;
                if (keptDetection.ClassId == candidate.ClassId &&
                    keptDetection.Box.IntersectionOverUnion(candidate.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                candidates[kept++] = candidates[i];
            }
        }

        return kept;
    }
}

/// <summary>A detection with its anchor index (the deterministic tie-breaker).</summary>
public readonly record struct IndexedDetection(int Index, Detection Detection);
