using System.Text;
using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Tests;

/// <summary>
/// The README promises a table of every configuration key and of every SSM parameter of the contract. The
/// configuration tables are generated from SettingsSchema; the keys the loader accepts are discovered from the loader
/// itself (its "not a known key (allowed here: ...)" message per section) and must be exactly the schema's.
/// </summary>
public sealed partial class ReadmeTests
{
    private const string Probe = "zzProbe";

    [Fact]
    public void Loader_accepts_exactly_the_keys_the_schema_describes()
    {
        var keys = DiscoverKeys();

        Assert.True(keys.Count > 50, $"only {keys.Count} keys discovered: {string.Join(", ", keys)}");
        Assert.Equal(SettingsSchema.All.Select(k => k.Path).Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void Readme_configuration_section_holds_the_generated_table_of_every_section()
    {
        var section = ReadmeSection("Configuration");

        Assert.Equal(SettingsDocumentation.Sections, SettingsDocumentation.MarkedSections(section));
        var missing = SettingsSchema.All.Where(k => !section.Contains($"| `{k.Path}` |", StringComparison.Ordinal)).Select(k => k.Path).ToList();
        Assert.True(missing.Count == 0, "README 'Configuration' lacks a row for: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/labeling.md")]
    [InlineData("docs/training.md")]
    [InlineData("docs/edge-deployment.md")]
    public void Configuration_tables_equal_the_text_generated_from_the_schema(string document)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, document));

        Assert.NotEmpty(SettingsDocumentation.MarkedSections(text));
        Assert.True(
            SettingsDocumentation.Apply(text) == text,
            $"{document}: a configuration table differs from cdk/Shared/Configuration/SettingsSchema.cs; run `bash scripts/config-docs.sh`");
    }

    [Fact]
    public void Readme_contract_section_lists_every_ssm_parameter()
    {
        var settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev");
        var contract = new ParameterContract(settings.ParameterRoot);
        var names = typeof(ParameterContract).GetProperties()
            .Where(p => p.PropertyType == typeof(string))
            .Select(p => ((string)p.GetValue(contract)!)[(settings.ParameterRoot.Length + 1)..])
            .ToList();
        var section = ReadmeSection("Contract between apps");

        Assert.Equal(21, names.Count);
        var missing = names.Where(n => !section.Contains($"| `{n}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "README 'Contract between apps' lacks a row for: " + string.Join(", ", missing));
    }

    /// <summary>The text of README's <c>## heading</c> section, up to the next level-2 heading.</summary>
    internal static string ReadmeSection(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var start = readme.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '## {heading}' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static List<string> DiscoverKeys()
    {
        var leaves = new List<string>();
        var sections = new Queue<string>([string.Empty]);
        while (sections.TryDequeue(out var section))
        {
            foreach (var key in AllowedKeysOf(section))
            {
                var path = section.Length == 0 ? key : $"{section}.{key}";
                if (AllowedKeysOf(path).Count > 0)
                {
                    sections.Enqueue(path);
                }
                else
                {
                    leaves.Add(path);
                }
            }
        }

        return leaves.Order(StringComparer.Ordinal).ToList();
    }

    // Parses a file holding only an unknown key at `path` and reads the keys the loader allows there;
    // none when `path` is not a section (the loader then complains about the value instead).
    private static IReadOnlyList<string> AllowedKeysOf(string path)
    {
        var segments = path.Length == 0 ? [Probe] : path.Split('.').Append(Probe).ToArray();
        var yaml = new StringBuilder();
        for (var i = 0; i < segments.Length; i++)
        {
            yaml.Append(' ', 2 * i).Append(segments[i]).Append(i == segments.Length - 1 ? ": 1\n" : ":\n");
        }

        var problems = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml.ToString(), "probe.yaml", "dev")).Problems;
        var qualified = path.Length == 0 ? Probe : $"{path}.{Probe}";
        return problems
            .Select(p => UnknownKeyMessage().Match(p))
            .Where(m => m.Success && m.Groups["key"].Value == qualified)
            .SelectMany(m => m.Groups["allowed"].Value.Split(", "))
            .Where(k => k != "none")
            .ToList();
    }

    [GeneratedRegex(@"^probe\.yaml: (?<key>\S+) is not a known key \(allowed here: (?<allowed>.*)\)$")]
    private static partial Regex UnknownKeyMessage();
}
