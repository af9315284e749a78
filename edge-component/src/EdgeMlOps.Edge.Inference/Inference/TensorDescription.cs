using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>The name, element type and declared shape of a model input or output (-1 for a dynamic dimension).</summary>
public sealed record TensorDescription(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <summary>The element type as ONNX/NumPy users name it ("float32", "float64", "int64", …).</summary>
    public string ElementTypeName => ElementType switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        TensorElementType.DataTypeMax => "non-tensor",
        _ => ElementType.ToString().ToLowerInvariant(),
    };

    public override string ToString() => $"{Name}: {ElementTypeName} [{string.Join(", ", Shape)}]";
}
