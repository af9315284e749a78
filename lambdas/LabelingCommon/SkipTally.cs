namespace EdgeMlOps.Labeling.Common;

/// <summary>One input that was skipped, and why.</summary>
public sealed record SkippedItem(string Item, string Reason, string Detail);

/// <summary>
/// Counts skipped inputs per reason and keeps the first few examples of each, so a Lambda result reports every
/// bad input without growing with their number.
/// </summary>
public sealed class SkipTally
{
    private const int ExamplesPerReason = 5;
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<SkippedItem> _examples = [];

    /// <summary>Counts a skipped item (thread-safe: scans add from parallel listings).</summary>
    public void Add(string item, string reason, string detail)
    {
        lock (_counts)
        {
            _counts.TryGetValue(reason, out var count);
            _counts[reason] = count + 1;
            if (count < ExamplesPerReason)
            {
                _examples.Add(new SkippedItem(item, reason, detail));
            }
        }
    }

    public int Total => _counts.Values.Sum();

    public IReadOnlyDictionary<string, int> CountsByReason => _counts;

    public IReadOnlyList<SkippedItem> Examples => _examples;

    public SkipReport ToReport() => new(Total, new Dictionary<string, int>(_counts, StringComparer.Ordinal), _examples.ToList());
}

/// <summary>What a Lambda result says about skipped inputs.</summary>
public sealed record SkipReport(int Count, IReadOnlyDictionary<string, int> Reasons, IReadOnlyList<SkippedItem> Examples);
