using EdgeMlOps.Edge.Component.Shadow;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Shadow;

public sealed class ShadowComparisonTests
{
    private static Detection Box(int classId, float x1, float y1, float x2, float y2) => new(classId, 0.9f, new BoundingBox(x1, y1, x2, y2));

    [Fact]
    public void Identical_detections_agree_fully()
    {
        var comparison = new ShadowComparison("2.0.0", 16);
        Detection[] boxes = [Box(0, 0, 0, 10, 10), Box(1, 20, 20, 30, 30)];

        comparison.Compare(boxes, boxes, 10, 12);
        comparison.Compare([], [], 10, 12);

        var shadow = comparison.Snapshot();
        Assert.Equal("2.0.0", shadow.CandidateVersion);
        Assert.Equal(16, shadow.SampleEvery);
        Assert.Equal(2, shadow.FramesCompared);
        Assert.Equal(2, shadow.MatchedBoxes);
        Assert.Equal(1.0, shadow.BoxF1);
        Assert.Equal(0, shadow.DefectRateDifference);
        Assert.Equal(0, shadow.MissedDefectFrames);
        Assert.Equal(1.2, shadow.LatencyP95Ratio);
    }

    [Fact]
    public void A_blind_candidate_misses_every_frame_the_current_model_finds_defects_on()
    {
        var comparison = new ShadowComparison("2.0.0", 4);
        for (var i = 0; i < 4; i++)
        {
            comparison.Compare(i % 2 == 0 ? [Box(0, 0, 0, 10, 10)] : [], [], 10, 10);
        }

        var shadow = comparison.Snapshot();
        Assert.Equal(4, shadow.FramesCompared);
        Assert.Equal(2, shadow.CurrentDefectFrames);
        Assert.Equal(0, shadow.CandidateDefectFrames);
        Assert.Equal(2, shadow.MissedDefectFrames);
        Assert.Equal(-0.5, shadow.DefectRateDifference);
        Assert.Equal(0, shadow.BoxF1);
    }

    [Fact]
    public void Boxes_match_one_to_one_only_with_the_same_class_and_iou_of_at_least_one_half()
    {
        var comparison = new ShadowComparison(null, 1);
        // Current: two scratches. Candidate: one scratch on the first (IoU 0.818), a dent on the second (other
        // class), a scratch far from both, and a second scratch on the first (already taken: no double match).
        Detection[] current = [Box(0, 10, 25, 30, 35), Box(0, 46, 36, 54, 44)];
        Detection[] candidate = [Box(0, 12, 25, 32, 35), Box(1, 46, 36, 54, 44), Box(0, 100, 100, 110, 110), Box(0, 10, 25, 30, 35)];

        comparison.Compare(current, candidate, 5, 5);

        var shadow = comparison.Snapshot();
        Assert.Equal(1, shadow.MatchedBoxes);
        Assert.Equal(2, shadow.CurrentBoxes);
        Assert.Equal(4, shadow.CandidateBoxes);
        Assert.Equal(Math.Round(2.0 / 6, 4), shadow.BoxF1);
    }

    [Fact]
    public void A_box_below_the_iou_bound_does_not_match()
    {
        var comparison = new ShadowComparison(null, 1);
        // 10x10 boxes shifted by 4: intersection 60, union 140, IoU 0.43.
        comparison.Compare([Box(0, 0, 0, 10, 10)], [Box(0, 4, 0, 14, 10)], 5, 5);

        Assert.Equal(0, comparison.Snapshot().MatchedBoxes);
        Assert.Equal(0, comparison.Snapshot().DefectRateDifference);
    }

    [Fact]
    public void Latency_ratio_is_of_the_p95s_over_the_window_and_failures_are_counted_apart()
    {
        var comparison = new ShadowComparison(null, 1, latencyWindow: 20);
        for (var i = 1; i <= 40; i++)
        {
            // Only the last 20 frames count: current 21..40 ms, candidate twice that.
            comparison.Compare([], [], i, 2 * i);
        }

        comparison.CandidateFailed("boom");
        var shadow = comparison.Snapshot();
        Assert.Equal(39, shadow.CurrentInferenceP95);
        Assert.Equal(78, shadow.CandidateInferenceP95);
        Assert.Equal(2.0, shadow.LatencyP95Ratio);
        Assert.Equal(1, shadow.CandidateFailures);
        Assert.Equal(40, shadow.FramesCompared);
        Assert.Equal("boom", shadow.LastError);
    }
}
