using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.CheckPromotedArtifact;

/// <summary>
/// Whether an artifact is exactly the one promoted: its SHA-256 against the expected one (lower-case hex).
/// A missing or malformed expected digest never matches: promotion refuses what it cannot prove.
/// </summary>
/// <param name="ExpectedSha256">The digest the artifact must have.</param>
/// <param name="ActualSha256">The digest of the bytes read.</param>
/// <param name="SizeBytes">Bytes read.</param>
public sealed record ArtifactDigestVerdict(string ExpectedSha256, string ActualSha256, long SizeBytes)
{
    public bool Matches => IsSha256(ExpectedSha256) && string.Equals(ExpectedSha256, ActualSha256, StringComparison.Ordinal);

    public string Reason => Matches
        ? $"the artifact ({SizeBytes} bytes) has the promoted SHA-256 {ActualSha256}"
        : IsSha256(ExpectedSha256)
            ? $"the artifact ({SizeBytes} bytes) has SHA-256 {ActualSha256}, not the promoted {ExpectedSha256}: it is not the model that passed pre-production"
            : $"the expected SHA-256 '{ExpectedSha256}' is not 64 lower-case hex digits; nothing can be promoted against it";

    /// <summary>Hashes <paramref name="content"/> to the end and judges it against <paramref name="expectedSha256"/>.</summary>
    public static async Task<ArtifactDigestVerdict> OfAsync(Stream content, string expectedSha256, CancellationToken cancellationToken = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            size += read;
        }

        return new ArtifactDigestVerdict(expectedSha256, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), size);
    }

    public JsonObject ToJson() => new()
    {
        ["expectedSha256"] = ExpectedSha256,
        ["actualSha256"] = ActualSha256,
        ["sizeBytes"] = SizeBytes,
        ["matches"] = Matches,
        ["reason"] = Reason,
    };

    private static bool IsSha256(string text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);
}
