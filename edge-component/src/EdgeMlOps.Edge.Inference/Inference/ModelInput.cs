using Microsoft.ML.OnnxRuntime;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>
/// One input slot of a <see cref="DetectionModel"/>: a float32 <c>[1, 3, H, W]</c> array on the pinned object heap,
/// wrapped by an <see cref="OrtValue"/> over that same memory (no copy), and an IO binding that binds it and the
/// model's output buffer once. Running a frame is then one native call that allocates nothing. A pipeline keeps two
/// slots so one can be filled while the other runs.
/// </summary>
public sealed class ModelInput : IDisposable
{
    private readonly float[] _data;
    private readonly OrtValue _value;

    internal ModelInput(InferenceSession session, string inputName, string outputName, long[] shape, OrtValue output)
    {
        _data = GC.AllocateArray<float>(checked((int)shape.Aggregate(1L, (a, d) => a * d)), pinned: true);
        _value = OrtValue.CreateTensorValueFromMemory(_data, shape);
        Binding = session.CreateIoBinding();
        Binding.BindInput(inputName, _value);
        Binding.BindOutput(outputName, output);
    }

    /// <summary>The tensor's elements (NCHW), written in place by the pre-processor.</summary>
    public Span<float> Data => _data;

    internal OrtIoBinding Binding { get; }

    public void Dispose()
    {
        Binding.Dispose();
        _value.Dispose();
    }
}
