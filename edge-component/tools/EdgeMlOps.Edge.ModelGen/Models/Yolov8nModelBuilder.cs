using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.ModelGen.Onnx;

namespace EdgeMlOps.Edge.ModelGen.Models;

/// <summary>
/// An untrained model with YOLOv8n's architecture and export layout (ultralytics yolov8.yaml at scale n: depth 0.33,
/// width 0.25), batch-norm folded into conv biases as an export does: backbone of Conv/C2f/SPPF, FPN+PAN neck, the
/// anchor-free Detect head with DFL and dist2bbox baked into the graph. Input <c>images [1, 3, 640, 640]</c>, output
/// <c>output0 [1, 84, 8400]</c> (80 classes). Weights come from a fixed seed, so compute cost matches the real model
/// (used for benchmarks) while the predictions mean nothing.
/// </summary>
public sealed class Yolov8nModelBuilder
{
    public const int ImageSize = 640;
    public const int ClassCount = 80;
    public const int RegMax = 16;
    public const ulong DefaultSeed = 20_240_601;

    private static readonly int[] Strides = [8, 16, 32];

    private readonly OnnxGraphBuilder _graph = new("yolov8n");
    private readonly SeededRandom _random;
    private readonly float _classBias;
    private int _layer;

    /// <param name="seed">Weight seed.</param>
    /// <param name="classBias">
    /// Bias of the class-logit convolutions. Default -6: most anchors score ~0.002, a few pass a 0.25 threshold,
    /// so post-processing does realistic work (ultralytics' own initial bias, about -11, would leave none).
    /// </param>
    public Yolov8nModelBuilder(ulong seed = DefaultSeed, float classBias = -6f)
    {
        _random = new SeededRandom(seed);
        _classBias = classBias;
    }

    public long ParameterCount => _graph.ParameterCount;

    public static int AnchorCount => Strides.Sum(s => (ImageSize / s) * (ImageSize / s));

    public byte[] Build()
    {
        var x = _graph.Input("images", 1, 3, ImageSize, ImageSize);

        // Backbone
        x = Conv(x, 3, 16, 3, 2);                  // 0  P1/2
        x = Conv(x, 16, 32, 3, 2);                 // 1  P2/4
        x = C2f(x, 32, 32, 1, shortcut: true);     // 2
        x = Conv(x, 32, 64, 3, 2);                 // 3  P3/8
        var p3 = C2f(x, 64, 64, 2, shortcut: true);   // 4
        x = Conv(p3, 64, 128, 3, 2);               // 5  P4/16
        var p4 = C2f(x, 128, 128, 2, shortcut: true); // 6
        x = Conv(p4, 128, 256, 3, 2);              // 7  P5/32
        x = C2f(x, 256, 256, 1, shortcut: true);   // 8
        var p5 = Sppf(x, 256, 256);                // 9

        // Neck (top-down, then bottom-up)
        x = Concat(1, Upsample(p5), p4);           // 10, 11: 384 channels
        var n4 = C2f(x, 384, 128, 1, shortcut: false);  // 12
        x = Concat(1, Upsample(n4), p3);           // 13, 14: 192 channels
        var small = C2f(x, 192, 64, 1, shortcut: false); // 15 (P3/8)
        x = Concat(1, Conv(small, 64, 64, 3, 2), n4);    // 16, 17: 192
        var medium = C2f(x, 192, 128, 1, shortcut: false); // 18 (P4/16)
        x = Concat(1, Conv(medium, 128, 128, 3, 2), p5); // 19, 20: 384
        var large = C2f(x, 384, 256, 1, shortcut: false); // 21 (P5/32)

        Detect([small, medium, large], [64, 128, 256]);

        var metadata = new Dictionary<string, string>
        {
            [OnnxMetadataKeys.Description] = "Untrained YOLOv8n architecture (fixed-seed weights) for benchmarks",
            ["author"] = "EdgeMlOps.Edge.ModelGen",
            [OnnxMetadataKeys.Task] = "detect",
            [OnnxMetadataKeys.Stride] = "32",
            ["batch"] = "1",
            [OnnxMetadataKeys.ImageSize] = $"[{ImageSize}, {ImageSize}]",
            [OnnxMetadataKeys.Names] = "{" + string.Join(", ", Enumerable.Range(0, ClassCount).Select(i => $"{i}: '{(i == 0 ? "scratch" : $"class{i}")}'")) + "}",
        };
        return _graph.Build(metadata);
    }

    private void Detect(string[] features, int[] channels)
    {
        const int boxChannels = 4 * RegMax;                       // c2 = max(16, 64/4, 64) = 64
        var classChannels = Math.Max(channels[0], Math.Min(ClassCount, 100)); // c3 = 80
        var flattened = new string[features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            var box = Conv(Conv(features[i], channels[i], boxChannels, 3, 1), boxChannels, boxChannels, 3, 1);
            box = Conv(box, boxChannels, boxChannels, 1, 1, activate: false, bias: 1f);
            var cls = Conv(Conv(features[i], channels[i], classChannels, 3, 1), classChannels, classChannels, 3, 1);
            cls = Conv(cls, classChannels, ClassCount, 1, 1, activate: false, bias: _classBias);
            var level = Concat(1, box, cls);
            flattened[i] = _graph.Node("Reshape", [level, _graph.Int64Constant($"shape_level{i}", 1, boxChannels + ClassCount, -1)]);
        }

        var all = Concat(2, flattened);
        var parts = _graph.Node("Split", [all, _graph.Int64Constant("split_box_cls", boxChannels, ClassCount)], 2, null, OnnxAttribute.Int("axis", 1));
        var anchors = AnchorCount;

        // DFL: softmax over the 16 bins of each side, expectation via a fixed 1x1 conv with weights 0..15.
        var bins = _graph.Node("Reshape", [parts[0], _graph.Int64Constant("shape_dfl", 1, 4, RegMax, anchors)]);
        bins = _graph.Node("Transpose", [bins], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        bins = _graph.Node("Softmax", [bins], OnnxAttribute.Int("axis", 1));
        var dflWeights = _graph.Constant("dfl.weight", [1, RegMax, 1, 1], Enumerable.Range(0, RegMax).Select(i => (float)i).ToArray());
        var distance = _graph.Node("Conv", [bins, dflWeights], OnnxAttribute.Ints("kernel_shape", 1, 1));
        distance = _graph.Node("Reshape", [distance, _graph.Int64Constant("shape_dist", 1, 4, anchors)]);

        // dist2bbox (xywh) in grid units, then times the stride of each anchor.
        var (anchorPoints, strideTensor) = MakeAnchors();
        var sides = _graph.Node("Split", [distance, _graph.Int64Constant("split_ltrb", 2, 2)], 2, null, OnnxAttribute.Int("axis", 1));
        var topLeft = _graph.Node("Sub", [anchorPoints, sides[0]]);
        var bottomRight = _graph.Node("Add", [anchorPoints, sides[1]]);
        var centre = _graph.Node("Div", [_graph.Node("Add", [topLeft, bottomRight]), _graph.Constant("two", [], [2f])]);
        var size = _graph.Node("Sub", [bottomRight, topLeft]);
        var boxes = _graph.Node("Mul", [Concat(1, centre, size), strideTensor]);
        var scores = _graph.Node("Sigmoid", [parts[1]]);
        _graph.NamedNode("Concat", [boxes, scores], "output0", OnnxAttribute.Int("axis", 1));
        _graph.Output("output0", 1, 4 + ClassCount, anchors);
    }

    private (string Anchors, string Strides) MakeAnchors()
    {
        var count = AnchorCount;
        var points = new float[2 * count];
        var strides = new float[count];
        var index = 0;
        foreach (var stride in Strides)
        {
            var cells = ImageSize / stride;
            for (var y = 0; y < cells; y++)
            {
                for (var x = 0; x < cells; x++)
                {
                    points[index] = x + 0.5f;
                    points[count + index] = y + 0.5f;
                    strides[index] = stride;
                    index++;
                }
            }
        }

        return (_graph.Constant("anchors", [1, 2, count], points), _graph.Constant("strides", [1, count], strides));
    }

    /// <summary>Conv2d with folded batch norm, then SiLU (x · sigmoid(x)) unless <paramref name="activate"/> is false.</summary>
    private string Conv(string x, int c1, int c2, int k, int s, bool activate = true, float bias = 0f)
    {
        var id = _layer++;
        var fanIn = c1 * k * k;
        var weights = _graph.Constant($"conv{id}.weight", [c2, c1, k, k], _random.Uniform(c2 * fanIn, MathF.Sqrt(6f / fanIn)));
        var biasValues = _random.Uniform(c2, 0.05f);
        for (var i = 0; i < biasValues.Length; i++)
        {
            biasValues[i] += bias;
        }

        var biases = _graph.Constant($"conv{id}.bias", [c2], biasValues);
        var pad = k / 2;
        var y = _graph.Node("Conv", [x, weights, biases],
            OnnxAttribute.Ints("kernel_shape", k, k), OnnxAttribute.Ints("strides", s, s), OnnxAttribute.Ints("pads", pad, pad, pad, pad));
        return activate ? _graph.Node("Mul", [y, _graph.Node("Sigmoid", [y])]) : y;
    }

    /// <summary>C2f: split a 1×1 conv in two halves, chain n bottlenecks on the second, concat all, 1×1 conv.</summary>
    private string C2f(string x, int c1, int c2, int n, bool shortcut)
    {
        var c = c2 / 2;
        var y = Conv(x, c1, 2 * c, 1, 1);
        var halves = _graph.Node("Split", [y, _graph.Int64Constant($"split_c2f{_layer}", c, c)], 2, null, OnnxAttribute.Int("axis", 1));
        var outputs = new List<string>(halves);
        var current = halves[1];
        for (var i = 0; i < n; i++)
        {
            var t = Conv(Conv(current, c, c, 3, 1), c, c, 3, 1);
            current = shortcut ? _graph.Node("Add", [current, t]) : t;
            outputs.Add(current);
        }

        return Conv(Concat(1, [.. outputs]), (2 + n) * c, c2, 1, 1);
    }

    /// <summary>SPPF: 1×1 conv, three chained 5×5 max-pools, concat the four, 1×1 conv.</summary>
    private string Sppf(string x, int c1, int c2)
    {
        var hidden = c1 / 2;
        var y0 = Conv(x, c1, hidden, 1, 1);
        var y1 = MaxPool(y0);
        var y2 = MaxPool(y1);
        var y3 = MaxPool(y2);
        return Conv(Concat(1, y0, y1, y2, y3), 4 * hidden, c2, 1, 1);
    }

    private string MaxPool(string x) => _graph.Node("MaxPool", [x],
        OnnxAttribute.Ints("kernel_shape", 5, 5), OnnxAttribute.Ints("strides", 1, 1), OnnxAttribute.Ints("pads", 2, 2, 2, 2));

    private string Upsample(string x) => _graph.Node("Resize", [x, string.Empty, _graph.Constant($"scales{_layer++}", [4], [1f, 1f, 2f, 2f])],
        OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
        OnnxAttribute.String("nearest_mode", "floor"));

    private string Concat(int axis, params string[] inputs) => _graph.Node("Concat", inputs, OnnxAttribute.Int("axis", axis));
}
