using System.Text;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Renders the configuration tables of the README and docs from <see cref="SettingsSchema"/>. A document marks each
/// generated table with a BEGIN/END comment pair naming the section; <see cref="Apply"/> rewrites what is between them
/// (<c>bash scripts/config-docs.sh</c>), and a test fails when a document differs from what it would write.
/// </summary>
public static partial class SettingsDocumentation
{
    /// <summary>Sections with a table of their own; every other key is in "top-level".</summary>
    public static IReadOnlyList<string> Sections { get; } = ["top-level", "labeling", "training", "edge"];

    /// <summary>Documents holding generated tables, relative to the repository root.</summary>
    public static IReadOnlyList<string> Documents { get; } = ["README.md", "docs/labeling.md", "docs/training.md", "docs/edge-deployment.md"];

    private const string EndMarker = "<!-- END settings table -->";

    /// <summary>The markdown table of <paramref name="section"/>; with <paramref name="relativeKeys"/> keys omit the section.</summary>
    public static string RenderTable(string section, bool relativeKeys)
    {
        var keys = KeysOf(section);
        if (keys.Count == 0)
        {
            throw new ArgumentException($"no configuration section '{section}' (sections: {string.Join(", ", Sections)})", nameof(section));
        }

        var table = new StringBuilder();
        table.Append("| Key | Meaning | Default | Allowed |\n|---|---|---|---|\n");
        foreach (var key in keys)
        {
            var shown = relativeKeys && section != "top-level" ? key.Path[(section.Length + 1)..] : key.Path;
            table.Append($"| `{shown}` | {Cell(key.Meaning)} | {Cell(key.DefaultText)} | {Cell(key.AllowedText)} |\n");
        }

        return table.ToString();
    }

    /// <summary>The keys of <paramref name="section"/> in schema order.</summary>
    public static IReadOnlyList<SettingKey> KeysOf(string section) => section == "top-level"
        ? SettingsSchema.All.Where(k => !Sections.Skip(1).Any(s => k.Path.StartsWith(s + ".", StringComparison.Ordinal))).ToList()
        : SettingsSchema.All.Where(k => k.Path.StartsWith(section + ".", StringComparison.Ordinal)).ToList();

    /// <summary><paramref name="document"/> with every marked table regenerated.</summary>
    public static string Apply(string document) => MarkedTable().Replace(document, m =>
        m.Groups["begin"].Value + RenderTable(m.Groups["section"].Value, m.Groups["relative"].Success) + EndMarker);

    /// <summary>The sections of the tables marked in <paramref name="document"/>.</summary>
    public static IReadOnlyList<string> MarkedSections(string document) =>
        MarkedTable().Matches(document).Select(m => m.Groups["section"].Value).ToList();

    /// <summary>The BEGIN marker of a generated table.</summary>
    public static string BeginMarker(string section, bool relativeKeys) =>
        $"<!-- BEGIN settings table {section}{(relativeKeys ? " (relative keys)" : "")}: generated from cdk/Shared/Configuration/SettingsSchema.cs by `bash scripts/config-docs.sh`; edit the schema, not this table -->";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<begin><!-- BEGIN settings table (?<section>[a-z-]+)(?<relative> \(relative keys\))?:[^\n]*-->\n).*?<!-- END settings table -->", RegexOptions.Singleline)]
    private static partial Regex MarkedTable();
}
