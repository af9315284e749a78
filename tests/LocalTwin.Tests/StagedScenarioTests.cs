using System.Text.RegularExpressions;
using EdgeMlOps.LocalTwin.Report;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>
/// The staged promotion on the twin (config/twin-staged.yaml): approval in dev → the synthesized pre-production
/// promotion and edge workflows → the production promotion, which waits for a person → production's edge workflow;
/// asserted from what the run observed (the model files on the devices, the registered packages, the e-mails).
/// </summary>
[Collection(TwinRunCollection.Name)]
public sealed partial class StagedScenarioTests(TwinRunFixture twin)
{
    private static readonly string[] s_devices = ["twin-preprod-canary", "twin-prod-canary", "twin-prod-line-01"];

    [Fact]
    public void Staged_scenario_is_promoted_and_reported_in_one_line()
    {
        var staged = Assert.Single(twin.Report.Scenarios, s => s.Name == "staged");

        Assert.True(staged.AsIntended, twin.Progress);
        Assert.Equal(ScenarioOutcome.Promoted, staged.Outcome);
        Assert.StartsWith("scenario staged: promoted (", staged.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_preproduction_and_production_device_runs_the_artifact_approved_in_dev()
    {
        var approvedInDev = twin.Report.ModelHashes.Approved;
        var lines = StagedLines().ToList();

        foreach (var device in s_devices)
        {
            var line = Assert.Single(lines, l => l.StartsWith($"{device}: model file ", StringComparison.Ordinal));
            Assert.Equal(approvedInDev, DeviceHash().Match(line).Groups[1].Value);
        }
    }

    [Fact]
    public void Production_promotion_waits_for_a_person_who_approves_with_the_token_from_the_email()
    {
        var step = Assert.Single(twin.Report.Steps, s => s.Title.StartsWith("Staged: prod model promotion", StringComparison.Ordinal));

        Assert.Contains(step.Lines, l => l.StartsWith("rule matched; input {\"trigger\":\"pre-production-release\"", StringComparison.Ordinal));
        Assert.Contains(step.Lines, l => l.StartsWith("e-mail: Model promotion request: approve the release to edgemlops-twin-staged-prod?", StringComparison.Ordinal));
        Assert.Contains(step.Lines, l => l.StartsWith("the person ran the e-mail's command: aws stepfunctions send-task-success --region us-east-1 --task-output true --task-token ", StringComparison.Ordinal));
        Assert.Contains(step.Lines, l => l.Contains("after the person approved with the e-mail's token", StringComparison.Ordinal));
    }

    [Fact]
    public void Preproduction_whose_canary_is_its_only_device_deploys_its_empty_fleet_group_and_skips_its_health_wait()
    {
        var step = Assert.Single(twin.Report.Steps, s => s.Title.StartsWith("Staged: preprod edge workflow", StringComparison.Ordinal));

        Assert.Contains(step.Lines, l => l.StartsWith("fleet group edgemlops-twin-staged-fleet has no devices: deployed for devices that join later, its health wait skipped", StringComparison.Ordinal));
        Assert.Contains(step.Lines, l => l.StartsWith("deployment '", StringComparison.Ordinal) && l.Contains(" to edgemlops-twin-staged-fleet: model ", StringComparison.Ordinal));
        Assert.DoesNotContain(StagedLines(), l => l.StartsWith("twin-preprod-line-01", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("preprod", "333333333333")]
    [InlineData("prod", "444444444444")]
    public void Each_stage_registers_the_copy_in_its_own_bucket_under_the_digest(string stage, string account)
    {
        var step = Assert.Single(twin.Report.Steps, s => s.Title.StartsWith($"Staged: {stage} model promotion", StringComparison.Ordinal));
        var registered = Assert.Single(step.Lines, l => l.StartsWith("registered ", StringComparison.Ordinal));
        var folder = $"s3://edgemlops-twin-staged-{stage}-training-{account}/promoted/{twin.Report.ModelHashes.Approved}/";

        Assert.Contains($":{account}:model-package/edgemlops-twin-staged-{stage}-defect-detector/", registered);
        Assert.Contains($"onnxModelUri {folder}model.onnx", registered);
        Assert.Contains($"acceptanceSetUri {folder}acceptance/acceptance.json", registered);
    }

    private IEnumerable<string> StagedLines() =>
        twin.Report.Steps.Where(s => s.Title.StartsWith("Staged:", StringComparison.Ordinal)).SelectMany(s => s.Lines);

    [GeneratedRegex("SHA-256 ([0-9a-f]{64})$")]
    private static partial Regex DeviceHash();
}
