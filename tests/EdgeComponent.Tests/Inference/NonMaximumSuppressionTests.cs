using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

public sealed class NonMaximumSuppressionTests
{
    private static IndexedDetection D(int index, int classId, float confidence, float x1, float y1, float x2, float y2) =>
        new(index, new Detection(classId, confidence, new BoundingBox(x1, y1, x2, y2)));

    [Fact]
    public void Overlapping_box_of_the_same_class_is_suppressed_by_the_better_one()
    {
        IndexedDetection[] candidates = [D(0, 0, 0.6f, 0, 0, 10, 10), D(1, 0, 0.9f, 1, 0, 11, 10)];

        var kept = NonMaximumSuppression.Apply(candidates, 0.45f, 100);

        Assert.Equal(1, kept);
        Assert.Equal(1, candidates[0].Index);
    }

    [Fact]
    public void Overlapping_boxes_of_different_classes_are_both_kept()
    {
        IndexedDetection[] candidates = [D(0, 0, 0.9f, 0, 0, 10, 10), D(1, 1, 0.8f, 0, 0, 10, 10)];

        Assert.Equal(2, NonMaximumSuppression.Apply(candidates, 0.45f, 100));
    }

    [Fact]
    public void Boxes_overlapping_less_than_the_threshold_are_kept()
    {
        // IoU = 25 / 175 = 0.143
        IndexedDetection[] candidates = [D(0, 0, 0.9f, 0, 0, 10, 10), D(1, 0, 0.8f, 5, 5, 15, 15)];

        Assert.Equal(2, NonMaximumSuppression.Apply(candidates, 0.45f, 100));
        Assert.Equal(1, NonMaximumSuppression.Apply([D(0, 0, 0.9f, 0, 0, 10, 10), D(1, 0, 0.8f, 5, 5, 15, 15)], 0.1f, 100));
    }

    [Fact]
    public void Equal_scores_are_ordered_by_index_so_the_lower_index_survives()
    {
        IndexedDetection[] candidates = [D(7, 0, 0.5f, 0, 0, 10, 10), D(3, 0, 0.5f, 0, 0, 10, 10), D(5, 0, 0.5f, 0, 0, 10, 10)];

        var kept = NonMaximumSuppression.Apply(candidates, 0.45f, 100);

        Assert.Equal(1, kept);
        Assert.Equal(3, candidates[0].Index);
    }

    [Fact]
    public void Keeps_at_most_the_maximum_number_best_first()
    {
        var candidates = Enumerable.Range(0, 10).Select(i => D(i, 0, 0.1f * (i + 1) / 2, i * 20, 0, (i * 20) + 10, 10)).ToArray();

        var kept = NonMaximumSuppression.Apply(candidates, 0.45f, 3);

        Assert.Equal(3, kept);
        Assert.Equal([9, 8, 7], candidates.Take(3).Select(c => c.Index));
    }

    [Fact]
    public void Iou_is_intersection_over_union()
    {
        var a = new BoundingBox(0, 0, 10, 10);

        Assert.Equal(1f, a.IntersectionOverUnion(a));
        Assert.Equal(0f, a.IntersectionOverUnion(new BoundingBox(10, 0, 20, 10)));
        Assert.Equal(50f / 150f, a.IntersectionOverUnion(new BoundingBox(5, 0, 15, 10)), 5);
    }
}
