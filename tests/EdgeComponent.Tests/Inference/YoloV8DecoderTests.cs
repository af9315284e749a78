using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Inference;

public sealed class YoloV8DecoderTests
{
    [Fact]
    public void Picks_the_best_class_of_each_anchor_across_vector_lanes_and_the_tail()
    {
        // 37 anchors: more than one SIMD vector plus a scalar tail. Anchor i's best class is i % 3.
        const int n = 37;
        const int nc = 3;
        var output = new float[(4 + nc) * n];
        for (var i = 0; i < n; i++)
        {
            output[i] = (i * 20) + 5;   // cx: boxes far apart, so NMS keeps all
            output[n + i] = 5;           // cy
            output[(2 * n) + i] = 4;     // w
            output[(3 * n) + i] = 4;     // h
            for (var c = 0; c < nc; c++)
            {
                output[((4 + c) * n) + i] = c == i % 3 ? 0.5f + (i / 100f) : 0.1f;
            }
        }

        var decoder = new YoloV8Decoder(nc, n);
        var results = new List<Detection>();
        decoder.Decode(output, new LetterboxGeometry(1000, 1000, 1000, 1000), new PostprocessOptions(), results);

        Assert.Equal(n, results.Count);
        foreach (var d in results)
        {
            var anchor = (int)MathF.Round((d.Box.X1 + 2 - 5) / 20);
            Assert.Equal(anchor % 3, d.ClassId);
            Assert.Equal(0.5f + (anchor / 100f), d.Confidence, 5);
        }

        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Confidence >= p.Second.Confidence));
    }

    [Fact]
    public void Above_the_candidate_cap_the_best_scoring_anchors_enter_nms_not_the_first_by_index()
    {
        // 10 more anchors than the cap pass the threshold; the last 10 (where a large input's stride-32 anchors sit)
        // score best. Taking the first 30,000 by index would lose them all.
        const int extra = 10;
        const int n = YoloV8Decoder.MaxCandidates + extra;
        var output = new float[5 * n];
        for (var i = 0; i < n; i++)
        {
            output[i] = (i % 1000) * 10;        // cx: a grid of boxes 10 px apart that never overlap
            output[n + i] = (i / 1000) * 10;    // cy
            output[(2 * n) + i] = 4;
            output[(3 * n) + i] = 4;
            output[(4 * n) + i] = i >= n - extra ? 0.9f : 0.3f;
        }

        var results = new List<Detection>();
        new YoloV8Decoder(1, n).Decode(output, new LetterboxGeometry(10_000, 10_000, 10_000, 10_000), new PostprocessOptions { MaxDetections = 20 }, results);

        Assert.Equal(20, results.Count);
        Assert.All(results.Take(extra), d => Assert.Equal(0.9f, d.Confidence));
        var bestAnchors = results.Take(extra).Select(d => ((int)MathF.Round((d.Box.Y1 + 2) / 10) * 1000) + (int)MathF.Round((d.Box.X1 + 2) / 10));
        Assert.Equal(Enumerable.Range(n - extra, extra), bestAnchors.Order());
        // Among equal scores the lower anchor index still wins: the first 0.3 boxes follow.
        Assert.Equal(Enumerable.Range(0, 10), results.Skip(extra).Select(d => ((int)MathF.Round((d.Box.Y1 + 2) / 10) * 1000) + (int)MathF.Round((d.Box.X1 + 2) / 10)));
    }

    [Fact]
    public void Drops_anchors_below_the_confidence_threshold()
    {
        var output = Table([(10, 10, 4, 4, 0.3f), (30, 30, 4, 4, 0.2f)]);
        var results = new List<Detection>();

        new YoloV8Decoder(1, 2).Decode(output, new LetterboxGeometry(64, 64, 64, 64), new PostprocessOptions { ConfidenceThreshold = 0.25f }, results);

        var only = Assert.Single(results);
        Assert.Equal(0.3f, only.Confidence);
    }

    [Fact]
    public void Maps_boxes_back_to_original_pixels()
    {
        // 128x64 letterboxed into 64x64: scale 0.5, 16 px padding on top.
        var output = Table([(32, 32, 20, 10, 0.9f)]);
        var results = new List<Detection>();

        new YoloV8Decoder(1, 1).Decode(output, new LetterboxGeometry(128, 64, 64, 64), new PostprocessOptions(), results);

        Assert.Equal(new BoundingBox(44, 22, 84, 42), results[0].Box);
    }

    [Fact]
    public void Fails_if_the_output_length_does_not_match_the_model()
    {
        var decoder = new YoloV8Decoder(2, 10);

        Assert.Throws<ArgumentException>(() => decoder.Decode(new float[59], new LetterboxGeometry(1, 1, 1, 1), new PostprocessOptions(), []));
    }

    private static float[] Table((float Cx, float Cy, float W, float H, float Score)[] anchors)
    {
        var n = anchors.Length;
        var output = new float[5 * n];
        for (var i = 0; i < n; i++)
        {
            output[i] = anchors[i].Cx;
            output[n + i] = anchors[i].Cy;
            output[(2 * n) + i] = anchors[i].W;
            output[(3 * n) + i] = anchors[i].H;
            output[(4 * n) + i] = anchors[i].Score;
        }

        return output;
    }
}
