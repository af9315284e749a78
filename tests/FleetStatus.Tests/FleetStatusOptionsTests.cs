using EdgeMlOps.FleetStatus;
using Xunit;

namespace FleetStatus.Tests;

public sealed class FleetStatusOptionsTests
{
    [Fact]
    public void Parses_the_tables_the_group_the_bound_and_json()
    {
        var options = FleetStatusOptions.Parse(["status", "--ledger-table", "L", "--health-table", "H", "--model-package-group", "G", "--silent-after-seconds", "90", "--json"]);

        Assert.Equal(("L", "H", "G", TimeSpan.FromSeconds(90), true), (options.LedgerTable, options.HealthTable, options.ModelPackageGroup, options.SilentAfter, options.Json));
    }

    [Fact]
    public void Fails_listing_every_problem_together()
    {
        var error = Assert.Throws<ArgumentException>(() => FleetStatusOptions.Parse(["status", "--health-table", "H", "--silent-after-seconds", "-3", "--bogus"]));

        Assert.Contains("unknown or incomplete option '--bogus'", error.Message);
        Assert.Contains("--ledger-table is required", error.Message);
        Assert.Contains("--model-package-group is required", error.Message);
        Assert.Contains("--silent-after-seconds must be a positive whole number of seconds, got '-3'", error.Message);
        Assert.Contains("usage: fleet status", error.Message);
    }

    [Fact]
    public void Fails_on_an_unknown_command() =>
        Assert.Contains("the only command is 'status', got 'deploy'", Assert.Throws<ArgumentException>(() => FleetStatusOptions.Parse(["deploy"])).Message);
}
