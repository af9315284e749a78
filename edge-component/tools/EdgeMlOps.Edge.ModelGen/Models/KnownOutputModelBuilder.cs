using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.ModelGen.Onnx;

namespace EdgeMlOps.Edge.ModelGen.Models;

/// <summary>One anchor of a known-output model: a box in model-input pixels and one score per class.</summary>
public sealed record KnownAnchor(float CenterX, float CenterY, float Width, float Height, float[] Scores);

/// <summary>
/// A tiny model whose YOLOv8-layout output is fixed: <c>output0 = table + 0 · max(images)</c>, so whatever the image,
/// ONNX Runtime returns exactly <see cref="Table"/> with shape <c>[1, 4+nc, N]</c>. Decoding and NMS can then be
/// checked end to end against detections computed by hand. Carries ultralytics-style <c>names</c> and <c>imgsz</c>
/// metadata (omitted when <see cref="WriteMetadata"/> is false, to exercise the configuration fallbacks).
/// </summary>
public sealed record KnownOutputModel(int InputSize, IReadOnlyList<string> ClassNames, IReadOnlyList<KnownAnchor> Anchors)
{
    public bool WriteMetadata { get; init; } = true;

    /// <summary>
    /// The <c>names</c> metadata as written. Default: ultralytics' own form, <c>str()</c> of a Python dict
    /// (<c>{0: 'scratch', 1: 'dent'}</c>).
    /// </summary>
    public string? NamesMetadata { get; init; }

    /// <summary>Further metadata entries (e.g. <c>class_names</c>), written even when <see cref="WriteMetadata"/> is false. Default: none.</summary>
    public IReadOnlyDictionary<string, string> ExtraMetadata { get; init; } = new Dictionary<string, string>();

    public int ClassCount => ClassNames.Count;

    /// <summary>The output tensor, row-major [1, 4+nc, N].</summary>
    public float[] Table
    {
        get
        {
            var n = Anchors.Count;
            var table = new float[(4 + ClassCount) * n];
            for (var i = 0; i < n; i++)
            {
                var a = Anchors[i];
                if (a.Scores.Length != ClassCount)
                {
                    throw new InvalidOperationException($"Anchor {i} has {a.Scores.Length} scores; the model has {ClassCount} classes.");
                }

                table[i] = a.CenterX;
                table[n + i] = a.CenterY;
                table[(2 * n) + i] = a.Width;
                table[(3 * n) + i] = a.Height;
                for (var c = 0; c < ClassCount; c++)
                {
                    table[((4 + c) * n) + i] = a.Scores[c];
                }
            }

            return table;
        }
    }

    public byte[] Build()
    {
        var graph = new OnnxGraphBuilder("known_output");
        var images = graph.Input("images", 1, 3, InputSize, InputSize);
        var max = graph.Node("ReduceMax", [images], OnnxAttribute.Int("keepdims", 0));
        var zero = graph.Node("Mul", [max, graph.Constant("zero", [], [0f])]);
        var table = graph.Constant("table", [1, 4 + ClassCount, Anchors.Count], Table);
        graph.NamedNode("Add", [table, zero], "output0");
        graph.Output("output0", 1, 4 + ClassCount, Anchors.Count);

        var metadata = new Dictionary<string, string>();
        if (WriteMetadata)
        {
            metadata[OnnxMetadataKeys.Names] = NamesMetadata ?? "{" + string.Join(", ", ClassNames.Select((name, i) => $"{i}: '{name}'")) + "}";
            metadata[OnnxMetadataKeys.ImageSize] = $"[{InputSize}, {InputSize}]";
            metadata[OnnxMetadataKeys.Task] = "detect";
        }

        foreach (var (key, value) in ExtraMetadata)
        {
            metadata[key] = value;
        }

        return graph.Build(metadata);
    }

    /// <summary>
    /// The reference scenario used by the tests: a 64×64 input, classes scratch and dent, and six anchors —
    /// two overlapping scratches (IoU 0.82), a dent on top of the better scratch (other class), a lone scratch,
    /// one anchor below a 0.25 threshold and one exactly tied with the lone scratch's score.
    /// </summary>
    public static KnownOutputModel Reference() => new(
        64,
        ["scratch", "dent"],
        [
            new KnownAnchor(20, 30, 20, 10, [0.90f, 0.05f]),  // 0: best scratch, kept
            new KnownAnchor(22, 30, 20, 10, [0.80f, 0.10f]),  // 1: overlaps 0 (IoU 0.818), suppressed
            new KnownAnchor(20, 30, 20, 10, [0.10f, 0.70f]),  // 2: same box as 0, class dent: kept
            new KnownAnchor(50, 40, 8, 8, [0.60f, 0.00f]),    // 3: lone scratch, kept
            new KnownAnchor(10, 10, 4, 4, [0.20f, 0.10f]),    // 4: below threshold, dropped
            new KnownAnchor(50, 41, 8, 8, [0.60f, 0.00f]),    // 5: ties with 3 and overlaps it: suppressed (higher index)
        ]);
}

/// <summary>
/// A <em>blind</em> model: the reference model's boxes with every score 0 — a valid YOLOv8 output that never detects
/// anything (the wrong artifact shipped, a model trained on nothing). It loads and runs; only a quality check sees it.
/// </summary>
public static class BlindModel
{
    public static KnownOutputModel Reference()
    {
        var reference = KnownOutputModel.Reference();
        return reference with { Anchors = [.. reference.Anchors.Select(a => a with { Scores = new float[a.Scores.Length] })] };
    }
}

/// <summary>Models of shapes the component must refuse.</summary>
public static class WrongShapeModelBuilder
{
    /// <summary>
    /// The reference known-output model with its output cast to float64: the YOLOv8 layout <c>[1, 6, 6]</c> in the
    /// wrong element type (an export with double precision), which the component must refuse naming the type.
    /// </summary>
    public static byte[] BuildFloat64Output()
    {
        var reference = KnownOutputModel.Reference();
        var graph = new OnnxGraphBuilder("float64_output");
        var images = graph.Input("images", 1, 3, reference.InputSize, reference.InputSize);
        var max = graph.Node("ReduceMax", [images], OnnxAttribute.Int("keepdims", 0));
        var zero = graph.Node("Mul", [max, graph.Constant("zero", [], [0f])]);
        var sum = graph.Node("Add", [graph.Constant("table", [1, 4 + reference.ClassCount, reference.Anchors.Count], reference.Table), zero]);
        graph.NamedNode("Cast", [sum], "output0", OnnxAttribute.Int("to", OnnxGraphBuilder.ElementDouble));
        graph.OutputOfType("output0", OnnxGraphBuilder.ElementDouble, 1, 4 + reference.ClassCount, reference.Anchors.Count);
        return graph.Build();
    }

    /// <summary>Input [1, 3, 32, 32], output <c>output0 [1, 10, 5, 5]</c> (rank 4: not a YOLOv8 detection output).</summary>
    public static byte[] BuildRank4Output()
    {
        var graph = new OnnxGraphBuilder("wrong_shape");
        var images = graph.Input("images", 1, 3, 32, 32);
        var max = graph.Node("ReduceMax", [images], OnnxAttribute.Int("keepdims", 0));
        var values = new float[10 * 5 * 5];
        graph.NamedNode("Add", [graph.Constant("table", [1, 10, 5, 5], values), max], "output0");
        graph.Output("output0", 1, 10, 5, 5);
        return graph.Build();
    }
}
