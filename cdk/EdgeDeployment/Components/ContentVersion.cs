using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Cdk.EdgeDeployment.Components;

/// <summary>
/// A Greengrass component version (<c>major.minor.patch</c>, numbers only) derived from a content hash: the patch
/// is the first 28 bits of the hash, so the version changes exactly when the content does (a collision needs two
/// artifacts agreeing on 28 bits, about one in 268 million), and re-synthesizing unchanged content gives the same
/// version, which CloudFormation then leaves alone.
/// </summary>
public static class ContentVersion
{
    public static string FromContentHash(string hexHash, int major = 1)
    {
        if (hexHash.Length < 7 || !hexHash.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"a content hash must be at least 7 hexadecimal digits, got '{hexHash}'", nameof(hexHash));
        }

        var patch = int.Parse(hexHash[..7], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return $"{major}.0.{patch}";
    }

    /// <summary>One hash (lower-case hex SHA-256) over several contents, e.g. an artifact's hash and its recipe.</summary>
    public static string Combine(params string[] contents) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", contents.Select(c => $"{c.Length}:{c}")))));
}
