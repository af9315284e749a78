using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// A typed, validating view of one YAML mapping. Every read records the key as known and
/// every problem is collected in the shared <see cref="ConfigProblems"/>; reads never throw,
/// so all problems of a file are reported together.
/// </summary>
public sealed class ConfigSection
{
    private readonly YamlMappingNode? _node;
    private readonly ConfigProblems _problems;
    private readonly HashSet<string> _knownKeys = new(StringComparer.Ordinal);
    private readonly List<ConfigSection> _children = [];

    internal ConfigSection(YamlMappingNode? node, string path, ConfigProblems problems)
    {
        _node = node;
        Path = path;
        _problems = problems;
    }

    /// <summary>Dotted path of this section from the file root ("" for the root).</summary>
    public string Path { get; }

    /// <summary>True when the section is present in the file.</summary>
    public bool IsPresent => _node is not null;

    public ConfigSection Section(string key)
    {
        var value = Raw(key);
        YamlMappingNode? mapping = null;
        if (value is YamlMappingNode m)
        {
            mapping = m;
        }
        else if (value is not null && !IsNull(value))
        {
            Problem(key, $"must be a mapping, got {Describe(value)}");
        }

        var child = new ConfigSection(mapping, Qualify(key), _problems);
        _children.Add(child);
        return child;
    }

    public string RequiredString(string key, string allowedDescription = "a non-empty string", Regex? pattern = null)
    {
        var value = OptionalString(key, null, allowedDescription, pattern);
        if (value is null && Raw(key) is null)
        {
            _problems.Add($"{Qualify(key)} is required ({allowedDescription})");
        }

        return value ?? string.Empty;
    }

    public string? OptionalString(string key, string? defaultValue, string allowedDescription = "a non-empty string", Regex? pattern = null)
    {
        var value = Raw(key);
        if (value is null || IsNull(value))
        {
            return defaultValue;
        }

        if (value is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Problem(key, $"must be {allowedDescription}, got {Describe(value)}");
            return defaultValue;
        }

        if (pattern is not null && !pattern.IsMatch(scalar.Value))
        {
            Problem(key, $"must be {allowedDescription}, got '{scalar.Value}'");
            return defaultValue;
        }

        return scalar.Value;
    }

    public string OneOf(string key, string defaultValue, params string[] allowed)
    {
        var value = OptionalString(key, defaultValue, "one of " + string.Join(", ", allowed));
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Problem(key, $"must be one of {string.Join(", ", allowed)}, got '{value}'");
            return defaultValue;
        }

        return value ?? defaultValue;
    }

    public int Int(string key, int defaultValue, int min, int max)
    {
        var value = Raw(key);
        if (value is null || IsNull(value))
        {
            return defaultValue;
        }

        if (value is not YamlScalarNode scalar
            || !int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            Problem(key, $"must be a whole number between {min} and {max}, got {Describe(value)}");
            return defaultValue;
        }

        if (parsed < min || parsed > max)
        {
            Problem(key, $"must be between {min} and {max}, got {parsed}");
            return defaultValue;
        }

        return parsed;
    }

    public double Double(string key, double defaultValue, double min, double max) =>
        OptionalDouble(key, min, max) ?? defaultValue;

    public double? OptionalDouble(string key, double min, double max)
    {
        var value = Raw(key);
        if (value is null || IsNull(value))
        {
            return null;
        }

        if (value is not YamlScalarNode scalar
            || !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            || double.IsNaN(parsed))
        {
            Problem(key, $"must be a number between {Format(min)} and {Format(max)}, got {Describe(value)}");
            return null;
        }

        if (parsed < min || parsed > max)
        {
            Problem(key, $"must be between {Format(min)} and {Format(max)}, got {Format(parsed)}");
            return null;
        }

        return parsed;
    }

    public bool Bool(string key, bool defaultValue)
    {
        var value = Raw(key);
        if (value is null || IsNull(value))
        {
            return defaultValue;
        }

        if (value is YamlScalarNode scalar && scalar.Value is "true" or "false")
        {
            return scalar.Value == "true";
        }

        Problem(key, $"must be true or false, got {Describe(value)}");
        return defaultValue;
    }

    public IReadOnlyList<string> StringList(
        string key,
        IReadOnlyList<string> defaultValue,
        int minCount = 0,
        string itemDescription = "a non-empty string",
        Regex? itemPattern = null)
    {
        var value = Raw(key);
        if (value is null || IsNull(value))
        {
            if (minCount > 0 && defaultValue.Count < minCount)
            {
                _problems.Add($"{Qualify(key)} is required (a list of at least {minCount} item{(minCount == 1 ? "" : "s")})");
            }

            return defaultValue;
        }

        if (value is not YamlSequenceNode sequence)
        {
            Problem(key, $"must be a list of {itemDescription}s, got {Describe(value)}");
            return defaultValue;
        }

        var items = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            if (item is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
            {
                _problems.Add($"{Qualify(key)}[{i}] must be {itemDescription}, got {Describe(item)}");
                continue;
            }

            if (itemPattern is not null && !itemPattern.IsMatch(scalar.Value))
            {
                _problems.Add($"{Qualify(key)}[{i}] must be {itemDescription}, got '{scalar.Value}'");
                continue;
            }

            items.Add(scalar.Value);
        }

        if (items.Count < minCount)
        {
            Problem(key, $"must list at least {minCount} item{(minCount == 1 ? "" : "s")}, got {items.Count}");
        }

        if (items.Distinct(StringComparer.Ordinal).Count() != items.Count)
        {
            Problem(key, "must not list the same item twice");
        }

        return items;
    }

    /// <summary>Records a cross-field problem against a key of this section.</summary>
    public void Problem(string key, string message) => _problems.Add($"{Qualify(key)} {message}");

    /// <summary>Reports every key present in the file that no code read (recursively).</summary>
    public void ReportUnknownKeys()
    {
        if (_node is not null)
        {
            foreach (var entry in _node.Children)
            {
                var key = (entry.Key as YamlScalarNode)?.Value ?? entry.Key.ToString();
                if (!_knownKeys.Contains(key))
                {
                    var allowed = _knownKeys.Count == 0 ? "none" : string.Join(", ", _knownKeys.Order(StringComparer.Ordinal));
                    _problems.Add($"{Qualify(key)} is not a known key (allowed here: {allowed})");
                }
            }
        }

        foreach (var child in _children)
        {
            child.ReportUnknownKeys();
        }
    }

    private YamlNode? Raw(string key)
    {
        _knownKeys.Add(key);
        if (_node is null)
        {
            return null;
        }

        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private string Qualify(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted } s
        && (s.Value is null || s.Value is "" or "~" or "null");

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
