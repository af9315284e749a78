using EdgeMlOps.Edge.Inference.Acceptance;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Acceptance;

public sealed class AcceptanceScoringTests
{
    private static readonly BoundingBox A = new(0, 0, 10, 10);
    private static readonly BoundingBox B = new(20, 20, 40, 40);

    private static IReadOnlyList<IReadOnlyList<ScoredBox>> Images(params ScoredBox[][] images) => images;

    [Fact]
    public void One_of_two_labels_found_gives_precision_1_recall_half_and_ap_075_by_101_point_interpolation()
    {
        var labels = Images([new ScoredBox(0, 1, A), new ScoredBox(0, 1, B)]);
        var predictions = Images([new ScoredBox(0, 0.8f, A)]);

        var metrics = AcceptanceScoring.Metrics(labels, predictions);

        // Envelope 1 up to recall 0.5, then linear to 0 at recall 1: area 0.5 + 0.25.
        Assert.Equal((1.0, 0.5, 1, 1, 2), (metrics.Precision, metrics.Recall, metrics.TruePositives, metrics.Predictions, metrics.Labels));
        Assert.Equal(0.75, metrics.Map50, 6);
    }

    [Fact]
    public void A_perfect_class_scores_0_995_as_in_ultralytics_and_wrong_class_or_low_iou_is_a_false_positive()
    {
        var perfect = AcceptanceScoring.Metrics(Images([new ScoredBox(0, 1, A)]), Images([new ScoredBox(0, 0.9f, A)]));
        Assert.Equal(0.995, perfect.Map50, 6);

        var wrong = AcceptanceScoring.Metrics(Images([new ScoredBox(0, 1, A)]), Images([new ScoredBox(1, 0.9f, A), new ScoredBox(0, 0.9f, new BoundingBox(5, 5, 15, 15))]));
        Assert.Equal((0.0, 0.0, 0.0), (wrong.Precision, wrong.Recall, wrong.Map50));
    }

    [Fact]
    public void Parity_counts_missing_and_extra_boxes_and_needs_the_same_class_at_iou_09()
    {
        var expected = Images([new ScoredBox(0, 0.9f, A), new ScoredBox(1, 0.6f, B)], []);
        var nearlyA = new BoundingBox(0, 0, 10, 10.5f); // IoU 0.952
        var device = Images([new ScoredBox(0, 0.85f, nearlyA), new ScoredBox(0, 0.6f, B)], [new ScoredBox(0, 0.3f, A)]);

        var parity = AcceptanceScoring.Parity(expected, device, 0.9);

        // Matched: A only (B has another class); 2 expected + 3 device - 1 matched = 4.
        Assert.Equal((1, 2, 3), (parity.MatchedBoxes, parity.ExpectedBoxes, parity.DeviceBoxes));
        Assert.Equal(0.25, parity.Parity, 6);
        Assert.Equal(0.05, parity.MaxConfidenceDifference, 5);
        Assert.Equal(0.0, AcceptanceScoring.Parity(expected, device, 0.96).MatchedBoxes);
        Assert.Equal(1.0, AcceptanceScoring.Parity(Images([]), Images([]), 0.9).Parity);
    }
}
