using System.Runtime.InteropServices;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>The name, element type and declared shape of a model input or output (-1 for a dynamic dimension).</summary>
public sealed record TensorDescription(string Name, int ElementType, IReadOnlyList<long> Shape)
{
    public const int Float32 = 1;

    public override string ToString() => $"{Name}: [{string.Join(", ", Shape)}]";
}

/// <summary>Session settings.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Intra-op threads. Default: 0, ONNX Runtime's choice (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Let idle intra-op threads spin waiting for work. Default: true (ONNX Runtime's default: lowest latency).
    /// False frees the CPU between parallel sections, kinder to other components on a small device.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;
}

/// <summary>
/// One ONNX Runtime session over one model file, created once. Inputs, outputs and custom metadata are read from
/// the model; <see cref="Run"/> binds caller-owned tensors so steady-state inference allocates nothing.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private const int GraphOptimizationAll = 99;

    private readonly OrtRuntime _runtime;
    private readonly OrtSessionHandle _session;
    private readonly IntPtr _inputName;
    private readonly IntPtr _outputName;

    private OnnxSession(OrtRuntime runtime, OrtSessionHandle session)
    {
        _runtime = runtime;
        _session = session;
        Inputs = Describe(isInput: true);
        Outputs = Describe(isInput: false);
        Metadata = ReadMetadata(OnnxMetadataKeys.All);
        _inputName = Inputs.Count > 0 ? Marshal.StringToCoTaskMemUTF8(Inputs[0].Name) : IntPtr.Zero;
        _outputName = Outputs.Count > 0 ? Marshal.StringToCoTaskMemUTF8(Outputs[0].Name) : IntPtr.Zero;
    }

    public IReadOnlyList<TensorDescription> Inputs { get; }

    public IReadOnlyList<TensorDescription> Outputs { get; }

    /// <summary>Custom metadata entries found in the model among the keys ultralytics writes.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Creates a session; the error names the file when ONNX Runtime rejects it.</summary>
    public static OnnxSession Create(OrtRuntime runtime, string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        options ??= new OnnxSessionOptions();
        var api = runtime.Api;

        IntPtr sessionOptions;
        runtime.ThrowIfFailed(api->CreateSessionOptions(&sessionOptions));
        using var optionsHandle = new OrtSessionOptionsHandle(runtime, sessionOptions);
        runtime.ThrowIfFailed(api->SetSessionGraphOptimizationLevel(sessionOptions, GraphOptimizationAll));
        runtime.ThrowIfFailed(api->SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads));
        runtime.ThrowIfFailed(api->SetInterOpNumThreads(sessionOptions, 1));
        if (!options.AllowSpinning)
        {
            fixed (byte* key = "session.intra_op.allow_spinning\0"u8)
            fixed (byte* value = "0\0"u8)
            {
                runtime.ThrowIfFailed(api->AddSessionConfigEntry(sessionOptions, key, value));
            }
        }

        var pathBytes = System.Text.Encoding.UTF8.GetBytes(modelPath + "\0");
        IntPtr session;
        fixed (byte* path = pathBytes)
        {
            try
            {
                runtime.ThrowIfFailed(api->CreateSession(runtime.Env.DangerousGetHandle(), path, sessionOptions, &session));
            }
            catch (OrtException ex)
            {
                throw new OrtException($"Cannot load model '{modelPath}': {ex.Message}", ex);
            }
        }

        return new OnnxSession(runtime, new OrtSessionHandle(runtime, session));
    }

    /// <summary>Creates a float32 tensor of <paramref name="shape"/> backed by a pinned array.</summary>
    public OrtTensor CreateTensor(long[] shape) => new(_runtime, shape);

    /// <summary>Runs the model's first input to its first output, writing into <paramref name="output"/>.</summary>
    public void Run(OrtTensor input, OrtTensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var inputName = _inputName;
        var outputName = _outputName;
        var inputValue = input.Handle.DangerousGetHandle();
        var outputValue = output.Handle.DangerousGetHandle();
        _runtime.ThrowIfFailed(_runtime.Api->Run(
            _session.DangerousGetHandle(), IntPtr.Zero, &inputName, &inputValue, 1, &outputName, 1, &outputValue));
        GC.KeepAlive(input);
        GC.KeepAlive(output);
    }

    /// <summary>
    /// Runs once with ONNX Runtime allocating the output and returns its concrete shape: used at load time to
    /// resolve dynamic output dimensions before binding a reusable output tensor.
    /// </summary>
    public long[] ProbeOutputShape(OrtTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputName = _inputName;
        var outputName = _outputName;
        var inputValue = input.Handle.DangerousGetHandle();
        IntPtr outputValue = IntPtr.Zero;
        _runtime.ThrowIfFailed(_runtime.Api->Run(
            _session.DangerousGetHandle(), IntPtr.Zero, &inputName, &inputValue, 1, &outputName, 1, &outputValue));
        using var output = new OrtValueHandle(_runtime, outputValue);
        IntPtr shapeInfo;
        _runtime.ThrowIfFailed(_runtime.Api->GetTensorTypeAndShape(outputValue, &shapeInfo));
        using var shapeHandle = new OrtTensorTypeAndShapeInfoHandle(_runtime, shapeInfo);
        return ReadShape(shapeInfo);
    }

    private List<TensorDescription> Describe(bool isInput)
    {
        var api = _runtime.Api;
        var session = _session.DangerousGetHandle();
        nuint count;
        _runtime.ThrowIfFailed(isInput ? api->SessionGetInputCount(session, &count) : api->SessionGetOutputCount(session, &count));
        var allocator = _runtime.DefaultAllocator;
        var result = new List<TensorDescription>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            IntPtr name;
            _runtime.ThrowIfFailed(isInput
                ? api->SessionGetInputName(session, i, allocator, &name)
                : api->SessionGetOutputName(session, i, allocator, &name));
            var nameText = _runtime.TakeAllocatedString(name);

            IntPtr typeInfo;
            _runtime.ThrowIfFailed(isInput
                ? api->SessionGetInputTypeInfo(session, i, &typeInfo)
                : api->SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new OrtTypeInfoHandle(_runtime, typeInfo);
            IntPtr tensorInfo;
            _runtime.ThrowIfFailed(api->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            if (tensorInfo == IntPtr.Zero)
            {
                result.Add(new TensorDescription(nameText, 0, []));
                continue;
            }

            int elementType;
            _runtime.ThrowIfFailed(api->GetTensorElementType(tensorInfo, &elementType));
            result.Add(new TensorDescription(nameText, elementType, ReadShape(tensorInfo)));
        }

        return result;
    }

    private long[] ReadShape(IntPtr tensorInfo)
    {
        nuint rank;
        _runtime.ThrowIfFailed(_runtime.Api->GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* d = dims)
        {
            _runtime.ThrowIfFailed(_runtime.Api->GetDimensions(tensorInfo, d, rank));
        }

        return dims;
    }

    private Dictionary<string, string> ReadMetadata(IEnumerable<string> keys)
    {
        var api = _runtime.Api;
        IntPtr metadata;
        _runtime.ThrowIfFailed(api->SessionGetModelMetadata(_session.DangerousGetHandle(), &metadata));
        using var metadataHandle = new OrtModelMetadataHandle(_runtime, metadata);
        var allocator = _runtime.DefaultAllocator;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var keyBytes = System.Text.Encoding.UTF8.GetBytes(key + "\0");
            IntPtr value;
            fixed (byte* k = keyBytes)
            {
                _runtime.ThrowIfFailed(api->ModelMetadataLookupCustomMetadataMap(metadata, allocator, k, &value));
            }

            if (value != IntPtr.Zero)
            {
                result[key] = _runtime.TakeAllocatedString(value);
            }
        }

        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        Marshal.FreeCoTaskMem(_inputName);
        Marshal.FreeCoTaskMem(_outputName);
    }
}
