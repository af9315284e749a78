using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;

namespace Contracts.Tests;

public sealed class ShadowGateSettingsTests
{
    private static readonly HealthShadow s_agreeing = new()
    {
        FramesCompared = 40, CurrentDefectFrames = 10, CandidateDefectFrames = 10, MissedDefectFrames = 1, DefectRateDifference = 0, BoxF1 = 0.9,
        CurrentInferenceP95 = 50, CandidateInferenceP95 = 55, LatencyP95Ratio = 1.1,
    };

    [Fact]
    public void An_agreeing_candidate_crosses_no_bound()
    {
        Assert.Empty(ShadowGateSettings.Default.Violations(s_agreeing));
    }

    [Fact]
    public void Before_the_minimum_frames_nothing_is_judged()
    {
        Assert.Empty(ShadowGateSettings.Default.Violations(s_agreeing with { FramesCompared = 19, BoxF1 = 0, MissedDefectFrames = 10 }));
    }

    [Theory]
    [InlineData(6, 0, 0.9, 1.1, "the candidate found nothing on 6 of the 10 frames")]
    [InlineData(0, 0.15, 0.9, 1.1, "defect rate differs by +0.15 over 40 frames (bound ±0.1)")]
    [InlineData(0, -0.15, 0.9, 1.1, "defect rate differs by -0.15 over 40 frames (bound ±0.1)")]
    [InlineData(0, 0, 0.4, 1.1, "box F1 against the current model 0.4 < 0.5")]
    [InlineData(0, 0, 0.9, 1.6, "inference p95 1.6x the current model's (55 vs 50 ms; bound 1.5x)")]
    public void Each_bound_is_reported_when_crossed(int missed, double rateDifference, double f1, double latencyRatio, string expected)
    {
        var violations = ShadowGateSettings.Default.Violations(s_agreeing with
        {
            MissedDefectFrames = missed, DefectRateDifference = rateDifference, BoxF1 = f1, LatencyP95Ratio = latencyRatio,
        });

        Assert.Contains(expected, Assert.Single(violations), StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_that_never_ran_is_reported_with_its_error()
    {
        var violations = ShadowGateSettings.Default.Violations(new HealthShadow { LastError = "the candidate model did not load: bad file" });

        Assert.Equal("the candidate does not run in shadow: the candidate model did not load: bad file", Assert.Single(violations));
    }

    [Fact]
    public void Reads_the_workflow_object_with_defaults_for_missing_members_and_refuses_non_numbers()
    {
        var settings = ShadowGateSettings.FromJson(JsonNode.Parse("""{"minFramesCompared": 50, "maxLatencyRatio": 2}""")!.AsObject());

        Assert.Equal(ShadowGateSettings.Default with { MinFramesCompared = 50, MaxLatencyRatio = 2 }, settings);
        Assert.Same(ShadowGateSettings.Default, ShadowGateSettings.FromJson(null));
        Assert.Throws<ArgumentException>(() => ShadowGateSettings.FromJson(JsonNode.Parse("""{"minBoxF1": "high"}""")!.AsObject()));
    }
}
