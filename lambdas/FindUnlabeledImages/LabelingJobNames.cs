using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Names of the labeling and verification jobs of one execution.</summary>
public sealed record LabelingJobNames(string Labeling, string Verification)
{
    /// <summary>SageMaker's limit on job names.</summary>
    public const int MaxLength = 63;

    private const string LabelingSuffix = "-label";
    private const string VerificationSuffix = "-verify";

    /// <summary>
    /// <c>&lt;prefix&gt;-&lt;yyyyMMdd-HHmmss&gt;-&lt;8 hex of SHA-256(execution id)&gt;-label|-verify</c>: unique per execution
    /// (job names can never be reused in an account and region), readable, and within 63 characters because the
    /// prefix is cleaned to <c>[a-z0-9-]</c> and shortened as needed.
    /// </summary>
    public static LabelingJobNames For(string prefix, string executionId, DateTimeOffset executionStart)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionId);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(executionId)))[..8].ToLowerInvariant();
        var stem = $"-{executionStart.UtcDateTime:yyyyMMdd-HHmmss}-{hash}";
        var room = MaxLength - stem.Length - Math.Max(LabelingSuffix.Length, VerificationSuffix.Length);
        var cleaned = Clean(prefix);
        if (cleaned.Length > room)
        {
            cleaned = cleaned[..room].TrimEnd('-');
        }

        // A name must start with a letter or digit.
        var start = cleaned.Length > 0 ? cleaned : "labels";
        return new LabelingJobNames(start + stem + LabelingSuffix, start + stem + VerificationSuffix);
    }

    private static string Clean(string prefix)
    {
        var builder = new StringBuilder(prefix.Length);
        foreach (var ch in prefix.ToLowerInvariant())
        {
            var keep = ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '-';
            if (keep == '-' && (builder.Length == 0 || builder[^1] == '-'))
            {
                continue;
            }

            builder.Append(keep);
        }

        return builder.ToString().Trim('-');
    }
}
