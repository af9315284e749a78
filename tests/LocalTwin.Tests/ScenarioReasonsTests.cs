using EdgeMlOps.Contracts;
using EdgeMlOps.LocalTwin.Report;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>A scenario's reason is read from the ledger record and the e-mails the workflow sent, not written per scenario.</summary>
public sealed class ScenarioReasonsTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_rollback_names_the_failed_phase_and_each_device_the_gate_failed_with_its_finding()
    {
        var release = Release(("shadow", "deployed"), ("shadowHealth", "unhealthy"), ("rollback", "rolled-back"));
        var mail = ("Edge deployment: rolled back", "Model package p was rolled back.\nHealth gate: " +
            """{"verdict":"UNHEALTHY","failedDevices":[{"thingName":"c-1","reason":"box F1 0 < 0.5"},{"thingName":"c-2","reason":"ERRORED"}],"summary":"shadow: 2 device(s)"}""" +
            "\nFailed step: {}");

        var reason = ScenarioReasons.RolledBack(release, [("Edge deployment: approve the fleet rollout?", "ignored"), mail]);

        Assert.Equal("shadowHealth unhealthy: c-1: box F1 0 < 0.5; c-2: ERRORED", reason);
    }

    [Fact]
    public void A_rollback_without_failed_devices_quotes_the_gate_summary_and_a_missing_verdict_is_said()
    {
        var release = Release(("canary", "deployed"), ("canaryHealth", "unhealthy"), ("rollback", "rolled-back"));

        Assert.Equal("canaryHealth unhealthy: canary: not healthy after 5 min",
            ScenarioReasons.RolledBack(release, [("Edge deployment: rolled back", """Health gate: {"failedDevices":[],"summary":"canary: not healthy after 5 min"}""")]));
        Assert.Equal("no failed phase in the ledger; the rollback e-mail quotes no health gate verdict",
            ScenarioReasons.RolledBack(null, [("Edge deployment: rolled back", "Health gate: not json")]));
    }

    [Fact]
    public void A_long_gate_finding_is_cut()
    {
        var finding = new string('x', ScenarioReasons.MaxFindingLength + 50);

        var reason = ScenarioReasons.GateFindings($$"""Health gate: {"failedDevices":[{"thingName":"c-1","reason":"{{finding}}"}]}""");

        Assert.Equal($"c-1: {finding[..ScenarioReasons.MaxFindingLength]}…", reason);
    }

    [Fact]
    public void A_promotion_gives_the_canary_acceptance_the_approval_e_mails_shadow_finding_and_the_ledgers_verdicts_in_order()
    {
        var release = Release(("shadow", "deployed"), ("shadowHealth", "healthy"), ("canary", "deployed"), ("canaryHealth", "healthy"),
            ("approval", "approved"), ("fleet", "deployed"), ("fleetHealth", "healthy"));
        var approval = ("Edge deployment: approve the fleet rollout?",
            "The canary group passed.\n\nShadow evaluation of the candidate on 1 canary device(s): 40 frames compared; box F1 min 1.\nLowest agreement:\n  c-1: F1 1\n\nApprove: url");
        var acceptance = new HealthAcceptance { Status = AcceptanceStatuses.Passed, Parity = 1, MatchedBoxes = 4, ExpectedBoxes = 4, Images = 4 };

        var reason = ScenarioReasons.Promoted(release, [approval], "c-1", acceptance);

        Assert.Equal("c-1 acceptance passed: parity 1 (4/4 boxes) on 4 image(s); Shadow evaluation of the candidate on 1 canary device(s): 40 frames compared; box F1 min 1; " +
            "shadowHealth healthy, canaryHealth healthy, approval approved, fleetHealth healthy", reason);
        Assert.Equal("c-1 reported no acceptance result; no approval e-mail; no ledger record", ScenarioReasons.Promoted(null, [], "c-1", null));
    }

    private static ReleaseRecord Release(params (string Phase, string Outcome)[] phases) => new()
    {
        ModelPackageGroupName = "g",
        ModelPackageVersion = 1,
        ModelPackageArn = "arn:p/1",
        ModelComponentVersion = "1.0.0",
        // Phases in the order given; the dictionary's own order is not the ledger's.
        Phases = phases.Select((p, i) => (p, i)).Reverse().ToDictionary(x => x.p.Phase, x => new PhaseOutcome(x.p.Outcome, s_start.AddSeconds(x.i))),
    };
}
