namespace EdgeMlOps.Edge.ModelGen.Onnx;

/// <summary>A node attribute, encoded as ONNX's AttributeProto.</summary>
public sealed class OnnxAttribute
{
    // AttributeProto.AttributeType values.
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeString = 3;
    private const int TypeInts = 7;

    private readonly Action<ProtoWriter> _writeValue;
    private readonly int _type;

    private OnnxAttribute(string name, int type, Action<ProtoWriter> writeValue)
    {
        Name = name;
        _type = type;
        _writeValue = writeValue;
    }

    public string Name { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, TypeInt, w => w.Int64(3, value));

    public static OnnxAttribute Float(string name, float value) => new(name, TypeFloat, w => w.Float(2, value));

    public static OnnxAttribute String(string name, string value) => new(name, TypeString, w => w.String(4, value));

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, TypeInts, w =>
    {
        // AttributeProto.ints is a proto2 repeated field: written unpacked, one tag per value.
        foreach (var value in values)
        {
            w.Int64(8, value);
        }
    });

    internal ProtoWriter Encode()
    {
        var writer = new ProtoWriter().String(1, Name);
        _writeValue(writer);
        return writer.Int64(20, _type);
    }
}
