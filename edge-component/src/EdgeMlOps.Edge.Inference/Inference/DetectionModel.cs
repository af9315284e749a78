using EdgeMlOps.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using EdgeMlOps.Edge.Inference.Runtime;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>Fallbacks used when the model's metadata lacks class names or the input size is dynamic.</summary>
public sealed record DetectionModelOptions
{
    /// <summary>Class names by id when the model has no <c>names</c> metadata. Default: "class{id}".</summary>
    public IReadOnlyList<string> FallbackClassNames { get; init; } = [];

    /// <summary>Input size (width = height) when neither the model nor its <c>imgsz</c> metadata fixes it. Default: 640.</summary>
    public int FallbackImageSize { get; init; } = 640;

    /// <summary>
    /// ONNX Runtime intra-op threads. Default: 0 = <see cref="DefaultIntraOpThreads"/> (one per logical CPU, the
    /// fastest setting measured on the 2-vCPU reference device; see the edge README's benchmark).
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Let idle intra-op threads spin waiting for work (<c>session.intra_op.allow_spinning</c>). Default: false (the
    /// pipeline's decode thread needs a core too).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// The thread count used for 0: every logical CPU this process may use. ONNX Runtime's own default (one per
    /// physical core) ran as one thread on the 2-vCPU reference machine, the slower setting there.
    /// </summary>
    public static int DefaultIntraOpThreads => Environment.ProcessorCount;
}

/// <summary>A model refused at load time (wrong shapes, bad metadata, not ONNX): the message says what was expected.</summary>
public sealed class ModelValidationException(string message) : Exception(message)
{
    public ModelValidationException()
        : this("The model is not a YOLOv8 detection model.")
    {
    }

    public ModelValidationException(string message, Exception inner)
        : this(message + " " + inner.Message)
    {
    }
}

/// <summary>
/// A loaded YOLOv8 detection model: one <see cref="InferenceSession"/>, created once, with its input
/// <c>[1, 3, H, W]</c> and output <c>[1, 4+nc, N]</c> checked at load, class names and input size from the model
/// metadata when present. Owns the output buffer (pinned, wrapped once as an <see cref="OrtValue"/>); callers own
/// input slots (from <see cref="CreateInputTensor"/>), so a pipeline can fill one while another runs.
/// <see cref="Run"/> is called from one thread at a time and allocates nothing.
/// </summary>
public sealed class DetectionModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly float[] _output;
    private readonly OrtValue _outputValue;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly string _outputName;

    private DetectionModel(InferenceSession session, string path, string inputName, string outputName, int inputWidth, int inputHeight,
        int classCount, int anchorCount, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string> metadata)
    {
        _session = session;
        _inputName = inputName;
        _outputName = outputName;
        Path = path;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        ClassCount = classCount;
        AnchorCount = anchorCount;
        ClassNames = classNames;
        Metadata = metadata;
        _output = GC.AllocateArray<float>((classCount + 4) * anchorCount, pinned: true);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, classCount + 4, anchorCount]);
    }

    public string Path { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    public int ClassCount { get; }

    public int AnchorCount { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The model's custom metadata (ultralytics writes <c>names</c>, <c>imgsz</c>, <c>stride</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The last <see cref="Run"/>'s output, <c>(4+nc) × N</c> floats.</summary>
    public ReadOnlySpan<float> Output => _output;

    /// <summary>
    /// Loads and checks <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> for a missing file and
    /// <see cref="ModelValidationException"/> naming the file when ONNX Runtime rejects it or (naming the element type
    /// and shape found and the ones expected) when it is not a YOLOv8 detection model.
    /// </summary>
    public static DetectionModel Load(OnnxRuntimeEnvironment runtime, string path, DetectionModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        options ??= new DetectionModelOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : DetectionModelOptions.DefaultIntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelValidationException($"Cannot load model '{path}': {ex.Message}");
        }

        try
        {
            return Validate(session, path, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A fresh input slot <c>[1, 3, H, W]</c> in pinned memory, bound with the output for <see cref="Run"/>.</summary>
    public ModelInput CreateInputTensor() => new(_session, _inputName, _outputName, [1, 3, InputHeight, InputWidth], _outputValue);

    /// <summary>
    /// Runs inference on <paramref name="input"/>; the result is in <see cref="Output"/>. Throws
    /// <see cref="OnnxRuntimeException"/> when ONNX Runtime fails on this frame.
    /// </summary>
    public void Run(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _session.RunWithBinding(_runOptions, input.Binding);
    }

    private static TensorDescription Describe(string name, NodeMetadata node) =>
        new(name, node.IsTensor ? node.ElementDataType : TensorElementType.DataTypeMax, node.IsTensor ? [.. node.Dimensions.Select(d => (long)d)] : []);

    private static DetectionModel Validate(InferenceSession session, string path, DetectionModelOptions options)
    {
        var name = System.IO.Path.GetFileName(path);
        if (session.InputNames.Count != 1 || session.OutputNames.Count < 1)
        {
            throw new ModelValidationException(
                $"Model '{name}' has {session.InputNames.Count} input(s) and {session.OutputNames.Count} output(s); expected one image input float32 [1, 3, H, W] and a detection output float32 [1, 4+nc, N].");
        }

        var input = Describe(session.InputNames[0], session.InputMetadata[session.InputNames[0]]);
        var output = Describe(session.OutputNames[0], session.OutputMetadata[session.OutputNames[0]]);
        var metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
        var inputShape = input.Shape;
        if (input.ElementType != TensorElementType.Float || inputShape.Count != 4 || inputShape[0] is not (1 or -1) || inputShape[1] != 3)
        {
            throw new ModelValidationException(
                $"Model '{name}' input {input} is not a float32 image input; expected float32 [1, 3, H, W].");
        }

        var metadataSize = ModelMetadataParser.ParseImageSize(metadata.GetValueOrDefault(OnnxMetadataKeys.ImageSize));
        var height = inputShape[2] > 0 ? (int)inputShape[2] : metadataSize?.Height ?? options.FallbackImageSize;
        var width = inputShape[3] > 0 ? (int)inputShape[3] : metadataSize?.Width ?? options.FallbackImageSize;

        var outputShape = output.Shape.ToArray();
        if (output.ElementType != TensorElementType.Float || outputShape.Length != 3 || outputShape[0] is not (1 or -1) ||
            (outputShape[1] > 0 && outputShape[1] < 5))
        {
            throw new ModelValidationException(
                $"Model '{name}' output {output} is not a YOLOv8 detection output; expected float32 [1, 4+nc, N] with nc >= 1.");
        }

        if (outputShape.Any(d => d <= 0))
        {
            outputShape = ProbeOutputShape(session, input.Name, output.Name, height, width);
            if (outputShape.Length != 3 || outputShape[0] != 1 || outputShape[1] < 5 || outputShape[2] < 1)
            {
                throw new ModelValidationException(
                    $"Model '{name}' output '{output.Name}' produced float32 [{string.Join(", ", outputShape)}]; expected float32 [1, 4+nc, N].");
            }
        }

        var classCount = (int)outputShape[1] - 4;
        var anchorCount = (int)outputShape[2];
        var classNames = ResolveClassNames(name, classCount, metadata, options.FallbackClassNames);
        return new DetectionModel(session, path, input.Name, output.Name, width, height, classCount, anchorCount, classNames, metadata);
    }

    /// <summary>
    /// Runs once with ONNX Runtime allocating the output and returns its concrete shape: used at load time to
    /// resolve dynamic output dimensions before binding a reusable output buffer.
    /// </summary>
    private static long[] ProbeOutputShape(InferenceSession session, string inputName, string outputName, int height, int width)
    {
        long[] shape = [1, 3, height, width];
        using var input = OrtValue.CreateTensorValueFromMemory(new float[3 * height * width], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
        return outputs[0].GetTensorTypeAndShape().Shape;
    }

    private static string[] ResolveClassNames(string modelName, int classCount, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<string> fallback)
    {
        // 'names' in ultralytics' or JSON form, else train.py's 'class_names' list.
        var parsed = ModelMetadataParser.ParseClassNames(metadata);
        if (parsed is not null && parsed.Count != classCount)
        {
            throw new ModelValidationException(
                $"Model '{modelName}' metadata 'names' lists {parsed.Count} classes but the output has {classCount} (4+nc = {classCount + 4}).");
        }

        var names = new string[classCount];
        for (var i = 0; i < classCount; i++)
        {
            names[i] = parsed?.GetValueOrDefault(i) ?? (i < fallback.Count ? fallback[i] : $"class{i}");
        }

        return names;
    }

    public void Dispose()
    {
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
