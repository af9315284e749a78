using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// One configuration key, described once: its dotted path, what it means, its default and what it allows.
/// <see cref="SettingsLoader"/> validates a file from these descriptions, and the README's and docs' configuration
/// tables are generated from them (<see cref="SettingsDocumentation"/>), so a default or a range has one home.
/// </summary>
public abstract record SettingKey
{
    protected SettingKey(string path, string meaning)
    {
        Path = path;
        Meaning = meaning;
    }

    /// <summary>Dotted path from the file root, e.g. <c>training.split.seed</c>.</summary>
    public string Path { get; }

    /// <summary>What the key controls, one sentence for the tables.</summary>
    public string Meaning { get; }

    /// <summary>Last segment of the path: the key as written in its section.</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>Path of the section holding the key ("" at the top level).</summary>
    public string SectionPath => Path.Contains('.', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('.')] : string.Empty;

    /// <summary>The file must set this key (no default).</summary>
    public bool Required { get; init; }

    /// <summary>
    /// Shown in the Default column instead of a literal default: a derived value (<c>&lt;namePrefix&gt;-&lt;env&gt;-canary</c>)
    /// or when the key is required (<c>— for codeconnections</c>). Default: the literal default.
    /// </summary>
    public string? DefaultNote { get; init; }

    /// <summary>A rule involving other keys, checked by the loader's code and shown in the Allowed column. Default: none.</summary>
    public string? Rule { get; init; }

    /// <summary>
    /// The value differs per environment (account, connection, workteam): an environment file sets it and
    /// <c>config/dev.yaml</c> holds a placeholder. Every other key in dev.yaml must equal its default.
    /// </summary>
    public bool PerEnvironment { get; init; }

    /// <summary>Default column text of the tables.</summary>
    public string DefaultText => DefaultNote ?? (Required ? "—" : LiteralDefault);

    /// <summary>Allowed column text of the tables: the type's range plus <see cref="Rule"/>.</summary>
    public string AllowedText => Rule is null ? Allowed : $"{Allowed}; {Rule}";

    /// <summary>The default as the tables show it.</summary>
    protected abstract string LiteralDefault { get; }

    /// <summary>What a value must be, as error messages and the tables phrase it.</summary>
    public abstract string Allowed { get; }

    internal static string Code(string text) => $"`{text}`";

    internal static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>A whole number in <see cref="Min"/>..<see cref="Max"/>.</summary>
public sealed record IntegerSetting : SettingKey
{
    public IntegerSetting(string path, string meaning, int defaultValue, int min, int max)
        : base(path, meaning)
    {
        Default = defaultValue;
        Min = min;
        Max = max;
    }

    public int Default { get; }

    public int Min { get; }

    public int Max { get; }

    public override string Allowed => $"{Min} – {Max}";

    protected override string LiteralDefault => Code(Default.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A number in <see cref="Min"/>..<see cref="Max"/>, optionally restricted to a list of values.</summary>
public sealed record NumberSetting : SettingKey
{
    public NumberSetting(string path, string meaning, double? defaultValue, double min, double max)
        : base(path, meaning)
    {
        Default = defaultValue;
        Min = min;
        Max = max;
    }

    /// <summary>The default; null when the key has none (then <see cref="SettingKey.DefaultNote"/> says why).</summary>
    public double? Default { get; }

    public double Min { get; }

    public double Max { get; }

    /// <summary>The only values accepted (e.g. SageMaker's task prices). Default: any value in range.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    public override string Allowed => Values is null
        ? $"{Format(Min)} – {Format(Max)}"
        : "one of " + string.Join(", ", Values.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));

    protected override string LiteralDefault => Default is { } d ? Code(Format(d)) : "none";
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed record BooleanSetting : SettingKey
{
    public BooleanSetting(string path, string meaning, bool defaultValue)
        : base(path, meaning)
    {
        Default = defaultValue;
    }

    public bool Default { get; }

    public override string Allowed => "`true`, `false`";

    protected override string LiteralDefault => Code(Default ? "true" : "false");
}

/// <summary>A non-empty string, matching <see cref="Pattern"/> when given.</summary>
public sealed record TextSetting : SettingKey
{
    public TextSetting(string path, string meaning, string? defaultValue, string allowed, Regex? pattern = null)
        : base(path, meaning)
    {
        Default = defaultValue;
        Allowed = allowed;
        Pattern = pattern;
    }

    /// <summary>The default; null when there is none or it is derived (see <see cref="SettingKey.DefaultNote"/>).</summary>
    public string? Default { get; }

    public override string Allowed { get; }

    public Regex? Pattern { get; }

    protected override string LiteralDefault => Default is null ? "none" : Code(Default);
}

/// <summary>One of a fixed set of strings.</summary>
public sealed record ChoiceSetting : SettingKey
{
    public ChoiceSetting(string path, string meaning, string defaultValue, params string[] choices)
        : base(path, meaning)
    {
        Default = defaultValue;
        Choices = choices;
    }

    public string Default { get; }

    public IReadOnlyList<string> Choices { get; }

    public override string Allowed => "one of " + string.Join(", ", Choices);

    protected override string LiteralDefault => Code(Default);
}

/// <summary>A list of distinct non-empty strings, each matching <see cref="ItemPattern"/> when given.</summary>
public sealed record ListSetting : SettingKey
{
    public ListSetting(string path, string meaning, IReadOnlyList<string> defaultValue, int minCount, string itemAllowed, Regex? itemPattern = null)
        : base(path, meaning)
    {
        Default = defaultValue;
        MinCount = minCount;
        ItemAllowed = itemAllowed;
        ItemPattern = itemPattern;
    }

    public IReadOnlyList<string> Default { get; }

    public int MinCount { get; }

    /// <summary>What one item must be, e.g. "an e-mail address".</summary>
    public string ItemAllowed { get; }

    public Regex? ItemPattern { get; }

    public override string Allowed => MinCount > 0
        ? $"a list of at least {MinCount} item{(MinCount == 1 ? "" : "s")}, each {ItemAllowed}"
        : $"a list, each item {ItemAllowed}";

    protected override string LiteralDefault => Default.Count == 0 ? "none" : Code($"[{string.Join(", ", Default)}]");
}
