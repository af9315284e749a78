using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.BuildFeatureRecords;

/// <summary>Splits labels into chunks small enough for one Map iteration's state payload (256 KB).</summary>
public static class RecordChunker
{
    public static IReadOnlyList<FeatureRecordChunk> Chunk(IEnumerable<LabelRecord> labels, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return labels
            .OrderBy(l => l.SourceRef, StringComparer.Ordinal)
            .Select(l => new FeatureRecordItem(l.SourceRef, FeatureRecordCodec.ToFeatureValues(l)))
            .Chunk(chunkSize)
            .Select(items => new FeatureRecordChunk(items))
            .ToList();
    }

    /// <summary>Key of the outcome file of a chunk: the chunk key with <c>/chunks/</c> replaced by <c>/outcomes/</c>.</summary>
    public static string OutcomeKeyOf(string chunkKey) =>
        chunkKey.Contains("/chunks/", StringComparison.Ordinal)
            ? chunkKey.Replace("/chunks/", "/outcomes/", StringComparison.Ordinal)
            : throw new ArgumentException($"'{chunkKey}' is not a chunk key (no /chunks/ folder)", nameof(chunkKey));
}
