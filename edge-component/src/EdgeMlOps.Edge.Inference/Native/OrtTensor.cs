namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>
/// A float32 tensor whose storage is a pinned managed array shared with ONNX Runtime. Owns both: the array stays
/// pinned (allocated on the pinned object heap) for the tensor's lifetime and the <c>OrtValue</c> is released on
/// dispose. Reused frame after frame so inference allocates nothing per frame.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly float[] _data;

    internal OrtTensor(OrtRuntime runtime, long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim <= 0)
            {
                throw new ArgumentException($"Tensor shape [{string.Join(", ", shape)}] has a non-positive dimension.", nameof(shape));
            }

            count *= dim;
        }

        Shape = shape;
        _data = GC.AllocateArray<float>(checked((int)count), pinned: true);

        IntPtr memoryInfo;
        runtime.ThrowIfFailed(runtime.Api->CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &memoryInfo));
        using var memoryInfoHandle = new OrtMemoryInfoHandle(runtime, memoryInfo);

        IntPtr value;
        fixed (float* data = _data)
        fixed (long* dims = shape)
        {
            runtime.ThrowIfFailed(runtime.Api->CreateTensorWithDataAsOrtValue(
                memoryInfo, data, (nuint)(_data.Length * sizeof(float)), dims, (nuint)shape.Length,
                1 /* ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT */, &value));
        }

        Handle = new OrtValueHandle(runtime, value);
    }

    /// <summary>The tensor's dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The element storage, read and written in place.</summary>
    public Span<float> Data => _data;

    internal OrtValueHandle Handle { get; }

    public void Dispose() => Handle.Dispose();
}
