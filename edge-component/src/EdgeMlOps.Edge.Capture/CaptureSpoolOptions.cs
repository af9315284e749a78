namespace EdgeMlOps.Edge.Capture;

/// <summary>Where the spool lives and how much it may hold; checked when the spool opens.</summary>
public sealed record CaptureSpoolOptions
{
    /// <summary>Root folder of the spool (created if missing). Required.</summary>
    public required string Directory { get; init; }

    /// <summary>Upper bound of images plus sidecars on disk. Default: 512 MiB.</summary>
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Upper bound of pending entries. Default: 10 000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>How many uploaded content hashes are remembered to refuse re-captures of the same image. Default: 10 000.</summary>
    public int RememberedUploads { get; init; } = 10_000;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            problems.Add("Directory is empty.");
        }

        if (MaxBytes <= 0)
        {
            problems.Add($"MaxBytes must be positive, got {MaxBytes}.");
        }

        if (MaxEntries <= 0)
        {
            problems.Add($"MaxEntries must be positive, got {MaxEntries}.");
        }

        if (RememberedUploads < 0)
        {
            problems.Add($"RememberedUploads must not be negative, got {RememberedUploads}.");
        }

        return problems;
    }
}
