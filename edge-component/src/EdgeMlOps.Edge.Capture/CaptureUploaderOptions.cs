using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Capture;

/// <summary>Where captures go in S3 and how hard the uploader retries; checked when the uploader is built.</summary>
public sealed record CaptureUploaderOptions
{
    /// <summary>The labeling app's bucket. Required.</summary>
    public required string BucketName { get; init; }

    /// <summary>The labeling app's capture prefix, empty or ending in "/" (<see cref="CaptureLayout.DefaultPrefix"/> unless configured). Required.</summary>
    public required string CapturePrefix { get; init; }

    /// <summary>First delay after a failed upload; it doubles per consecutive failure. Default: 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the delay between attempts while S3 is unreachable. Default: 5 min.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the uploader sleeps on an empty spool if no enqueue wakes it. Default: 30 s.</summary>
    public TimeSpan IdlePollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Receives one line for the first failure of an outage and for every unexpected error. Default: none (failures
    /// are still counted in <see cref="CaptureUploader.FailedAttempts"/> and kept in <see cref="CaptureUploader.LastError"/>).
    /// </summary>
    public Action<string>? Log { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(BucketName))
        {
            problems.Add("BucketName is empty.");
        }

        if (!CaptureLayout.IsValidPrefix(CapturePrefix))
        {
            problems.Add($"CapturePrefix must be empty or end with '/' (and not start with it), got '{CapturePrefix}'.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            problems.Add($"Backoff must satisfy 0 < InitialBackoff ({InitialBackoff}) <= MaxBackoff ({MaxBackoff}).");
        }

        if (IdlePollInterval <= TimeSpan.Zero)
        {
            problems.Add($"IdlePollInterval must be positive, got {IdlePollInterval}.");
        }

        return problems;
    }
}
