using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Contracts;
using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

public sealed class LabelingSettingsTests
{
    private static string DevYaml => File.ReadAllText(RepositoryRoot.Combine("config", "dev.yaml"));

    [Fact]
    public void The_shipped_config_scans_the_incoming_and_capture_prefixes()
    {
        var labeling = SettingsLoader.Parse(DevYaml, "config/dev.yaml", "dev").Labeling;
        Assert.Contains(labeling.CapturePrefix, labeling.ScanPrefixes);
        Assert.Contains(labeling.IncomingPrefix, labeling.ScanPrefixes);
    }

    [Fact]
    public void Without_a_capture_prefix_the_labeling_app_uses_the_contracts_default()
    {
        var yaml = DevYaml.Replace("  capturePrefix: images/captured/\n", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("capturePrefix", yaml, StringComparison.Ordinal);

        Assert.Equal(CaptureLayout.DefaultPrefix, SettingsLoader.Parse(yaml, "config/dev.yaml", "dev").Labeling.CapturePrefix);
    }

    [Fact]
    public void A_parent_prefix_covers_both()
    {
        var yaml = DevYaml.Replace("scanPrefixes: [images/incoming/, images/captured/]", "scanPrefixes: [images/]", StringComparison.Ordinal);
        Assert.Equal(["images/"], SettingsLoader.Parse(yaml, "config/dev.yaml", "dev").Labeling.ScanPrefixes);
    }

    [Fact]
    public void Fails_if_the_scan_misses_the_capture_prefix()
    {
        var yaml = DevYaml.Replace("scanPrefixes: [images/incoming/, images/captured/]", "scanPrefixes: [images/incoming/]", StringComparison.Ordinal);
        var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, "config/dev.yaml", "dev"));
        Assert.Contains("labeling.scanPrefixes must cover capturePrefix 'images/captured/'", error.Message);
    }
}
