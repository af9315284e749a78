namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// The labels cannot make a usable dataset. The message says why, with the counted reasons images were
/// skipped, so the failed pipeline step explains itself; nothing is written when this is thrown.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string reason, IReadOnlyDictionary<string, int> skipped)
        : base(Describe(reason, skipped))
    {
        Reason = reason;
        Skipped = skipped;
    }

    public string Reason { get; }

    public IReadOnlyDictionary<string, int> Skipped { get; }

    private static string Describe(string reason, IReadOnlyDictionary<string, int> skipped) =>
        skipped.Count == 0
            ? $"Dataset not built: {reason}."
            : $"Dataset not built: {reason}. Skipped labels: {string.Join(", ", skipped.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"))}.";
}
