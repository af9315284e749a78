using System.Text.RegularExpressions;

namespace EdgeMlOps.QualityGates.Asl;

/// <summary>The <c>${Name}</c> placeholders of an ASL text (names are letters, digits and underscores).</summary>
public static partial class Placeholders
{
    public static IReadOnlySet<string> In(string text) =>
        Pattern().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Pattern();
}
