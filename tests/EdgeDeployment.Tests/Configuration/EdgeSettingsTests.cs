using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using Xunit;

namespace EdgeDeployment.Tests.Configuration;

/// <summary>The <c>edge:</c> section of the configuration: shipped defaults and the checks that fail synth.</summary>
public sealed class EdgeSettingsTests
{
    private static readonly string s_devYaml = File.ReadAllText(Path.Combine(RepositoryLocator.FindRoot(AppContext.BaseDirectory), "config", "dev.yaml"));

    private static AppSettings Parse(string yaml) => SettingsLoader.Parse(yaml, "config/test.yaml", "test");

    private static string WithHealthGate(string key, string value) =>
        s_devYaml.Replace($"    {key}: ", $"    {key}: {value} #", StringComparison.Ordinal);

    [Fact]
    public void Shipped_dev_configuration_loads_with_the_documented_defaults()
    {
        var edge = Parse(s_devYaml).Edge;

        Assert.Equal(300, edge.HealthGate.HeartbeatMaxAgeSeconds);
        Assert.Equal(60, edge.HealthGate.PollIntervalSeconds);
        Assert.True(edge.RequireManualApproval);
        Assert.False(edge.DigitalTwin.Enabled);
    }

    [Fact]
    public void Fails_when_the_heartbeat_may_be_younger_than_one_poll()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(WithHealthGate("heartbeatMaxAgeSeconds", "30")));

        Assert.Contains(error.Problems, p => p.Contains("edge.healthGate.heartbeatMaxAgeSeconds must be at least edge.healthGate.pollIntervalSeconds (60), got 30", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_on_a_malformed_rollout_number()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(s_devYaml.Replace("    maximumPerMinute: 500", "    maximumPerMinute: 0 #", StringComparison.Ordinal)));

        Assert.Contains(error.Problems, p => p.Contains("edge.rollout.maximumPerMinute", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_dev_configuration_releases_to_ten_thousand_devices_within_the_history_quota()
    {
        var edge = Parse(s_devYaml).Edge;

        Assert.Equal(10_000, edge.ExpectedFleetSize);
        Assert.Equal(500, edge.Rollout.MaximumPerMinute);
        Assert.InRange(EdgeReleaseHistory.WorstCaseEvents(edge), 1, EdgeReleaseHistory.QuotaEvents);
    }

    [Fact]
    public void Fails_when_the_rollout_rate_cannot_cover_the_expected_fleet_within_the_history_quota()
    {
        // 10,000 devices at 10/min: 1,000 min of rollout polled every 60 s cannot fit 25,000 events.
        var error = Assert.Throws<ConfigurationException>(() => Parse(s_devYaml.Replace("    maximumPerMinute: 500", "    maximumPerMinute: 10 #", StringComparison.Ordinal)));

        var problem = Assert.Single(error.Problems, p => p.Contains("edge.fleet.expectedSize", StringComparison.Ordinal));
        Assert.Contains("history quota of 25000 events", problem);
        Assert.Contains("10000 devices at edge.rollout.maximumPerMinute 10", problem);
    }

    [Fact]
    public void A_smaller_fleet_fits_a_slower_rollout()
    {
        // 12 per minute: the canary is watched twice (the candidate in shadow, then serving) before the fleet.
        var edge = Parse(s_devYaml.Replace("    maximumPerMinute: 500", "    maximumPerMinute: 12 #", StringComparison.Ordinal)
            .Replace("    expectedSize: 10000", "    expectedSize: 1000 #", StringComparison.Ordinal)).Edge;

        Assert.Equal(1_000, edge.ExpectedFleetSize);
    }

    [Fact]
    public void Shipped_dev_configuration_merges_the_documented_inference_defaults()
    {
        var inference = Parse(s_devYaml).Edge.Inference;

        Assert.Equal(0.25, inference.ConfidenceThreshold);
        Assert.Equal(0.45, inference.IouThreshold);
        Assert.Equal(1_000, inference.FrameIntervalMs);
        Assert.Equal(30, inference.HealthIntervalSeconds);
    }

    [Fact]
    public void Fails_when_heartbeats_come_less_than_twice_per_maximum_heartbeat_age()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(s_devYaml.Replace("    healthIntervalSeconds: 30", "    healthIntervalSeconds: 200", StringComparison.Ordinal)));

        Assert.Contains(error.Problems, p => p.Contains("edge.inference.healthIntervalSeconds must be at most half of edge.healthGate.heartbeatMaxAgeSeconds (300), got 200", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_on_an_out_of_range_inference_threshold()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(s_devYaml.Replace("    confidenceThreshold: 0.25", "    confidenceThreshold: 1.5", StringComparison.Ordinal)));

        Assert.Contains(error.Problems, p => p.Contains("edge.inference.confidenceThreshold must be between 0 and 1, got 1.5", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_twin_configuration_is_a_valid_environment()
    {
        var root = RepositoryLocator.FindRoot(AppContext.BaseDirectory);

        var settings = SettingsLoader.LoadEnvironment(root, "twin");

        Assert.Equal("twin", settings.EnvironmentName);
        Assert.Equal(2, settings.Edge.Inference.HealthIntervalSeconds);
        Assert.Equal(5, settings.Edge.HealthGate.PollIntervalSeconds);
    }
}
