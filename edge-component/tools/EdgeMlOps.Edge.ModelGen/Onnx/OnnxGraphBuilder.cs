using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.ModelGen.Onnx;

/// <summary>
/// Builds an ONNX model (ModelProto, IR version 8, default-domain opset 17) node by node and encodes it with
/// <see cref="ProtoWriter"/>. Field numbers are those of onnx.proto; only the fields these models need are written.
/// </summary>
public sealed class OnnxGraphBuilder
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    // TensorProto.DataType values.
    public const int ElementFloat = 1;
    public const int ElementInt64 = 7;
    public const int ElementDouble = 11;

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly string _graphName;
    private int _nextId;

    public OnnxGraphBuilder(string graphName)
    {
        _graphName = graphName;
    }

    /// <summary>Number of float parameters added as initializers (for reporting).</summary>
    public long ParameterCount { get; private set; }

    public string Input(string name, params long[] dims)
    {
        _inputs.Add(ValueInfo(name, ElementFloat, dims));
        return name;
    }

    public void Output(string name, params long[] dims) => _outputs.Add(ValueInfo(name, ElementFloat, dims));

    /// <summary>An output of another element type (a TensorProto.DataType value, e.g. <see cref="ElementDouble"/>).</summary>
    public void OutputOfType(string name, int elementType, params long[] dims) => _outputs.Add(ValueInfo(name, elementType, dims));

    /// <summary>Adds a float32 initializer (stored as raw little-endian bytes) and returns its name.</summary>
    public string Constant(string name, long[] dims, float[] values)
    {
        var tensor = new ProtoWriter()
            .PackedInt64(1, dims)
            .Int64(2, ElementFloat)
            .String(8, name)
            .Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()));
        _initializers.Add(tensor);
        ParameterCount += values.Length;
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, split sizes) and returns its name.</summary>
    public string Int64Constant(string name, params long[] values)
    {
        var tensor = new ProtoWriter()
            .PackedInt64(1, [values.Length])
            .Int64(2, ElementInt64)
            .String(8, name)
            .Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()));
        _initializers.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's (generated or given) name.</summary>
    public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, 1, null, attributes)[0];

    /// <summary>Adds a node with a named output.</summary>
    public string NamedNode(string opType, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, 1, [output], attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] Node(string opType, string[] inputs, int outputCount, string[]? outputNames, params OnnxAttribute[] attributes)
    {
        var id = _nextId++;
        var outputs = outputNames ?? Enumerable.Range(0, outputCount).Select(i => $"{opType.ToLowerInvariant()}_{id}_{i}").ToArray();
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, $"{opType}_{id}").String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute.Encode());
        }

        _nodes.Add(node);
        return outputs;
    }

    /// <summary>Encodes the ModelProto, with <paramref name="metadata"/> as metadata_props.</summary>
    public byte[] Build(IReadOnlyDictionary<string, string>? metadata = null, string producer = "EdgeMlOps.Edge.ModelGen")
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, _graphName);
        foreach (var initializer in _initializers)
        {
            graph.Message(5, initializer);
        }

        foreach (var input in _inputs)
        {
            graph.Message(11, input);
        }

        foreach (var output in _outputs)
        {
            graph.Message(12, output);
        }

        var model = new ProtoWriter()
            .Int64(1, IrVersion)
            .String(2, producer)
            .String(3, "1.0")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, string.Empty).Int64(2, OpsetVersion));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        }

        return model.ToArray();
    }

    private static ProtoWriter ValueInfo(string name, int elementType, long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var dim in dims)
        {
            // Dimension: dim_value (1) for a fixed size, dim_param (2) for a symbolic one.
            shape.Message(1, dim > 0 ? new ProtoWriter().Int64(1, dim) : new ProtoWriter().String(2, $"d{shape.Length}"));
        }

        var tensorType = new ProtoWriter().Int64(1, elementType).Message(2, shape);
        var type = new ProtoWriter().Message(1, tensorType);
        return new ProtoWriter().String(1, name).Message(2, type);
    }
}
