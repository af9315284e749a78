using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// Reads keys of one parsed file through their <see cref="SettingKey"/> descriptions. A read never throws: a missing
/// key gives its default, a bad value gives the default and records a problem naming the key, the value and what is
/// allowed, so every problem of a file is reported together.
/// </summary>
internal sealed class SettingsReader
{
    private const int MaxShownValueLength = 80;

    private readonly YamlMappingNode _root;
    private readonly ConfigProblems _problems;
    private readonly HashSet<string> _reportedSections = new(StringComparer.Ordinal);

    public SettingsReader(YamlMappingNode root, ConfigProblems problems)
    {
        _root = root;
        _problems = problems;
    }

    /// <summary>True when the file sets <paramref name="key"/> to something other than null.</summary>
    public bool IsSet(SettingKey key) => Find(key) is { } node && !IsNull(node);

    /// <summary>True when section <paramref name="sectionPath"/> is written in the file.</summary>
    public bool HasSection(string sectionPath) => Navigate(sectionPath.Split('.'), sectionPath.Split('.').Length) is not null;

    public string? Text(TextSetting key)
    {
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            if (key.Required)
            {
                _problems.Add($"{key.Path} is required ({key.Allowed})");
            }

            return key.Default;
        }

        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Problem(key, $"must be {key.Allowed}, got {Describe(node)}");
            return key.Default;
        }

        if (key.Pattern is not null && !key.Pattern.IsMatch(scalar.Value))
        {
            Problem(key, $"must be {key.Allowed}, got {Describe(node)}");
            return key.Default;
        }

        return scalar.Value;
    }

    public string Choice(ChoiceSetting key)
    {
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            return key.Default;
        }

        if (node is not YamlScalarNode scalar || !key.Choices.Contains(scalar.Value, StringComparer.Ordinal))
        {
            Problem(key, $"must be {key.Allowed}, got {Describe(node)}");
            return key.Default;
        }

        return scalar.Value!;
    }

    public int Integer(IntegerSetting key)
    {
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            return key.Default;
        }

        if (node is not YamlScalarNode scalar
            || !int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            Problem(key, $"must be a whole number between {key.Min} and {key.Max}, got {Describe(node)}");
            return key.Default;
        }

        if (parsed < key.Min || parsed > key.Max)
        {
            Problem(key, $"must be between {key.Min} and {key.Max}, got {parsed}");
            return key.Default;
        }

        return parsed;
    }

    /// <summary>The value, its default, or null when it is unset and has no default (or is invalid).</summary>
    public double? Number(NumberSetting key)
    {
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            return key.Default;
        }

        if (node is not YamlScalarNode scalar
            || !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            || !double.IsFinite(parsed))
        {
            var expected = key.Values is null ? $"a number between {SettingKey.Format(key.Min)} and {SettingKey.Format(key.Max)}" : $"a number, {key.Allowed}";
            Problem(key, $"must be {expected}, got {Describe(node)}");
            return key.Default;
        }

        if (key.Values is not null && !key.Values.Any(v => Math.Abs(v - parsed) < 1e-9))
        {
            Problem(key, $"must be {key.Allowed}, got {SettingKey.Format(parsed)}");
            return key.Default;
        }

        if (parsed < key.Min || parsed > key.Max)
        {
            Problem(key, $"must be between {SettingKey.Format(key.Min)} and {SettingKey.Format(key.Max)}, got {SettingKey.Format(parsed)}");
            return key.Default;
        }

        return parsed;
    }

    public bool Boolean(BooleanSetting key)
    {
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            return key.Default;
        }

        if (node is YamlScalarNode scalar && scalar.Value is "true" or "false")
        {
            return scalar.Value == "true";
        }

        Problem(key, $"must be true or false, got {Describe(node)}");
        return key.Default;
    }

    /// <summary>The list, or <paramref name="derivedDefault"/> (else the key's default) when unset.</summary>
    public IReadOnlyList<string> List(ListSetting key, IReadOnlyList<string>? derivedDefault = null)
    {
        var fallback = derivedDefault ?? key.Default;
        var node = Find(key);
        if (node is null || IsNull(node))
        {
            if (key.MinCount > 0 && fallback.Count < key.MinCount)
            {
                _problems.Add($"{key.Path} is required ({key.Allowed})");
            }

            return fallback;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Problem(key, $"must be {key.Allowed}, got {Describe(node)}");
            return fallback;
        }

        var items = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            if (item is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value)
                || (key.ItemPattern is not null && !key.ItemPattern.IsMatch(scalar.Value)))
            {
                _problems.Add($"{key.Path}[{i}] must be {key.ItemAllowed}, got {Describe(item)}");
                continue;
            }

            items.Add(scalar.Value);
        }

        if (items.Count < key.MinCount)
        {
            Problem(key, $"must list at least {key.MinCount} item{(key.MinCount == 1 ? "" : "s")}, got {items.Count}");
        }

        if (items.Distinct(StringComparer.Ordinal).Count() != items.Count)
        {
            Problem(key, "must not list the same item twice");
        }

        return items;
    }

    /// <summary>Records a problem with <paramref name="key"/>: "&lt;path&gt; &lt;message&gt;".</summary>
    public void Problem(SettingKey key, string message) => _problems.Add($"{key.Path} {message}");

    /// <summary>Reports every key written in the file that the schema does not describe, naming the keys allowed there.</summary>
    public void ReportUnknownKeys() => ReportUnknownKeys(_root, string.Empty);

    private void ReportUnknownKeys(YamlMappingNode mapping, string path)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? Describe(keyNode);
            var qualified = path.Length == 0 ? key : $"{path}.{key}";
            if (SettingsSchema.Find(qualified) is not null)
            {
                continue;
            }

            if (SettingsSchema.IsSection(qualified))
            {
                if (value is YamlMappingNode child)
                {
                    ReportUnknownKeys(child, qualified);
                }

                continue;
            }

            var allowed = SettingsSchema.ChildrenOf(path);
            _problems.Add($"{qualified} is not a known key (allowed here: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))})");
        }
    }

    /// <summary>The value node of <paramref name="key"/>, or null when it or a section on its path is absent.</summary>
    private YamlNode? Find(SettingKey key)
    {
        var segments = key.Path.Split('.');
        var section = Navigate(segments, segments.Length - 1);
        return section is not null && section.Children.TryGetValue(new YamlScalarNode(segments[^1]), out var value) ? value : null;
    }

    // Walks the first `count` segments as sections. A section written as something else than a mapping is reported
    // once and then treated as absent, so its keys take their defaults without a second message each.
    private YamlMappingNode? Navigate(string[] segments, int count)
    {
        var current = _root;
        for (var i = 0; i < count; i++)
        {
            if (!current.Children.TryGetValue(new YamlScalarNode(segments[i]), out var next) || IsNull(next))
            {
                return null;
            }

            if (next is not YamlMappingNode mapping)
            {
                var path = string.Join('.', segments[..(i + 1)]);
                if (_reportedSections.Add(path))
                {
                    _problems.Add($"{path} must be a mapping (a section of keys), got {Describe(next)}");
                }

                return null;
            }

            current = mapping;
        }

        return current;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted } s
        && (s.Value is null || s.Value is "" or "~" or "null");

    /// <summary>A value as messages show it: quoted scalars (long ones shortened), "a list", "a mapping".</summary>
    internal static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => Quote(s.Value ?? string.Empty),
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    internal static string Quote(string value) =>
        value.Length <= MaxShownValueLength ? $"'{value}'" : $"'{value[..MaxShownValueLength]}…' ({value.Length} characters)";
}
