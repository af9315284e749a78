using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Tests.Configuration;

public sealed class StagedSettingsTests
{
    private const string File = "config/test.yaml";

    [Fact]
    public void Loads_the_shipped_staged_configuration_with_tooling_and_three_stage_accounts()
    {
        var settings = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "staged");

        Assert.Equal("111122223333", settings.Account);
        Assert.NotNull(settings.Stages);
        Assert.Equal(
            [(DeploymentStageKind.Dev, "222233334444"), (DeploymentStageKind.PreProduction, "333344445555"), (DeploymentStageKind.Production, "444455556666")],
            settings.Stages.InOrder.Select(t => (t.Kind, t.Account)));
    }

    [Fact]
    public void Single_account_configuration_has_no_stages()
    {
        Assert.Null(SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "dev").Stages);
    }

    [Fact]
    public void A_stage_deploys_in_its_own_account_under_its_own_environment_name_with_its_accounts_workteam()
    {
        var staged = SettingsLoader.LoadEnvironment(TestPaths.RepositoryRoot, "staged");

        var production = staged.ForStage(staged.Stages!.Production);

        Assert.Equal("staged-prod", production.EnvironmentName);
        Assert.Equal("edgemlops-staged-prod", production.ResourcePrefix);
        Assert.Equal("444455556666", production.Account);
        Assert.Equal(DeploymentStageKind.Production, production.Stage!.Kind);
        Assert.Equal("arn:aws:sagemaker:eu-west-1:444455556666:workteam/private-crowd/metal-tag-labelers", production.Labeling.WorkteamArn);
        Assert.False(production.Edge.DigitalTwin.Enabled);
        Assert.True(staged.ForStage(staged.Stages.PreProduction).Edge.DigitalTwin.Enabled);
    }

    [Fact]
    public void Fails_if_a_stage_account_is_missing()
    {
        var yaml = StagedYaml().Replace("  production:                      # deployed after a person approves in the tooling pipeline\n    account: \"444455556666\"\n", "  production:\n");

        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, File, "staged"));

        Assert.Equal(["config/test.yaml: stages.production.account is required when the stages section is present (dev, preProduction and production, each with account and region)"], e.Problems);
    }

    [Fact]
    public void Fails_if_two_stages_share_an_account()
    {
        var yaml = StagedYaml().Replace("\"444455556666\"", "\"333344445555\"");

        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(yaml, File, "staged"));

        Assert.Equal(["config/test.yaml: stages.dev.account and the preProduction and production accounts must be three different accounts, got 222233334444, 333344445555, 333344445555"], e.Problems);
    }

    [Fact]
    public void Fails_if_the_longest_stage_name_prefix_exceeds_the_labeling_job_limit()
    {
        var e = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(StagedYaml(), File, "staged-environment"));

        Assert.Contains("config/test.yaml: namePrefix with the environment and stage must stay within 31 characters (labeling job names), got 'edgemlops-staged-environment-preprod'", e.Problems);
    }

    private static string StagedYaml() => System.IO.File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "config", "staged.yaml"));
}
