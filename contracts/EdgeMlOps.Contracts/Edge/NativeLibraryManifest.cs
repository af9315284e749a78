using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlOps.Contracts;

/// <summary>
/// The SHA-256 of every native library shipped in the component's artifact, written by the packager and checked by
/// the component before it loads one. A damaged or truncated shared library is otherwise mapped by the loader and
/// crashes the process (SIGBUS) on first use instead of failing with a message. One line per file, as
/// <c>sha256sum</c> prints it: <c>&lt;64 hex&gt;  &lt;path relative to the artifact root, '/'-separated&gt;</c>.
/// The packager writes it, the component reads it: one type for both.
/// </summary>
public sealed class NativeLibraryManifest
{
    /// <summary>The manifest's name at the artifact root (next to the component's entry assembly).</summary>
    public const string FileName = "native-libraries.sha256";

    private readonly Dictionary<string, string> _hashes;

    private NativeLibraryManifest(string path, Dictionary<string, string> hashes)
    {
        Path = path;
        _hashes = hashes;
    }

    /// <summary>Where the manifest was read from.</summary>
    public string Path { get; }

    /// <summary>Relative path → lower-case hex SHA-256.</summary>
    public IReadOnlyDictionary<string, string> Hashes => _hashes;

    /// <summary>The manifest text for <paramref name="hashes"/> (relative path → hex SHA-256), sorted by path.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var text = new StringBuilder();
        foreach (var (relative, hash) in hashes.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            text.Append(hash.ToLowerInvariant()).Append("  ").Append(relative).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Reads the manifest in <paramref name="directory"/>; null when there is none (a development build).</summary>
    public static NativeLibraryManifest? TryRead(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var separator = line.IndexOf("  ", StringComparison.Ordinal);
            var hash = separator == 64 ? line[..64] : string.Empty;
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"'{path}' line {lineNumber} is not '<sha256>  <path>'."));
            }

            hashes[line[(separator + 2)..]] = hash;
        }

        return new NativeLibraryManifest(path, hashes);
    }

    /// <summary>
    /// Checks <paramref name="file"/> (a path below <paramref name="rootDirectory"/>) against the manifest. Returns
    /// null when it matches, else the problem, naming the file: missing, not listed, or a different SHA-256 (with
    /// its size, so a truncated copy is recognisable).
    /// </summary>
    public string? Check(string rootDirectory, string file)
    {
        var relative = System.IO.Path.GetRelativePath(rootDirectory, file).Replace('\\', '/');
        if (!_hashes.TryGetValue(relative, out var expected))
        {
            return $"'{file}' is not listed in the native library manifest '{Path}'.";
        }

        if (!File.Exists(file))
        {
            return $"'{file}' is missing (listed in '{Path}').";
        }

        var actual = HashFile(file);
        return actual == expected
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"'{file}' ({new FileInfo(file).Length} bytes) has SHA-256 {actual}, but '{Path}' expects {expected}: the file is damaged or truncated.");
    }
}
