using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Native;

namespace EdgeMlOps.Edge.Inference.Inference;

/// <summary>Fallbacks used when the model's metadata lacks class names or the input size is dynamic.</summary>
public sealed record DetectionModelOptions
{
    /// <summary>Class names by id when the model has no <c>names</c> metadata. Default: "class{id}".</summary>
    public IReadOnlyList<string> FallbackClassNames { get; init; } = [];

    /// <summary>Input size (width = height) when neither the model nor its <c>imgsz</c> metadata fixes it. Default: 640.</summary>
    public int FallbackImageSize { get; init; } = 640;

    /// <summary>ONNX Runtime intra-op threads. Default: 0 (ONNX Runtime's choice: one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>See <see cref="OnnxSessionOptions.AllowSpinning"/>. Default: false (the pipeline's decode thread needs a core too).</summary>
    public bool AllowSpinning { get; init; }
}

/// <summary>A model refused at load time (wrong shapes, bad metadata): the message says what was expected.</summary>
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
/// A loaded YOLOv8 detection model: one session, created once, with its input <c>[1, 3, H, W]</c> and output
/// <c>[1, 4+nc, N]</c> checked at load, class names and input size from metadata when present. Owns the output
/// tensor; callers own input tensors (from <see cref="CreateInputTensor"/>), so a pipeline can fill one while
/// another runs. <see cref="Run"/> is called from one thread at a time.
/// </summary>
public sealed class DetectionModel : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OrtTensor _output;

    private DetectionModel(OnnxSession session, string path, int inputWidth, int inputHeight, int classCount,
        int anchorCount, IReadOnlyList<string> classNames, OrtTensor output)
    {
        _session = session;
        _output = output;
        Path = path;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        ClassCount = classCount;
        AnchorCount = anchorCount;
        ClassNames = classNames;
    }

    public string Path { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    public int ClassCount { get; }

    public int AnchorCount { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public IReadOnlyDictionary<string, string> Metadata => _session.Metadata;

    /// <summary>The last <see cref="Run"/>'s output, <c>(4+nc) × N</c> floats.</summary>
    public ReadOnlySpan<float> Output => _output.Data;

    /// <summary>
    /// Loads and checks <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> for a missing file,
    /// <see cref="OrtException"/> when ONNX Runtime rejects it and <see cref="ModelValidationException"/> (naming the
    /// shapes found and expected) when it is not a YOLOv8 detection model.
    /// </summary>
    public static DetectionModel Load(OrtRuntime runtime, string path, DetectionModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        options ??= new DetectionModelOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        var session = OnnxSession.Create(runtime, path, new OnnxSessionOptions { IntraOpThreads = options.IntraOpThreads, AllowSpinning = options.AllowSpinning });
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

    /// <summary>A fresh input tensor <c>[1, 3, H, W]</c> bound to pinned memory.</summary>
    public OrtTensor CreateInputTensor() => _session.CreateTensor([1, 3, InputHeight, InputWidth]);

    /// <summary>Runs inference on <paramref name="input"/>; the result is in <see cref="Output"/>.</summary>
    public void Run(OrtTensor input) => _session.Run(input, _output);

    private static DetectionModel Validate(OnnxSession session, string path, DetectionModelOptions options)
    {
        var name = System.IO.Path.GetFileName(path);
        if (session.Inputs.Count != 1 || session.Outputs.Count < 1)
        {
            throw new ModelValidationException(
                $"Model '{name}' has {session.Inputs.Count} input(s) and {session.Outputs.Count} output(s); expected one image input [1, 3, H, W] and a detection output [1, 4+nc, N].");
        }

        var input = session.Inputs[0];
        var output = session.Outputs[0];
        var inputShape = input.Shape;
        if (input.ElementType != TensorDescription.Float32 || inputShape.Count != 4 || inputShape[0] is not (1 or -1) || inputShape[1] != 3)
        {
            throw new ModelValidationException(
                $"Model '{name}' input {input} is not a float32 image input; expected [1, 3, H, W].");
        }

        var metadataSize = ModelMetadataParser.ParseImageSize(session.Metadata.GetValueOrDefault(OnnxMetadataKeys.ImageSize));
        var height = inputShape[2] > 0 ? (int)inputShape[2] : metadataSize?.Height ?? options.FallbackImageSize;
        var width = inputShape[3] > 0 ? (int)inputShape[3] : metadataSize?.Width ?? options.FallbackImageSize;

        var outputShape = output.Shape.ToArray();
        if (output.ElementType != TensorDescription.Float32 || outputShape.Length != 3 || outputShape[0] is not (1 or -1) ||
            (outputShape[1] > 0 && outputShape[1] < 5))
        {
            throw new ModelValidationException(
                $"Model '{name}' output {output} is not a YOLOv8 detection output; expected float32 [1, 4+nc, N] with nc >= 1.");
        }

        if (outputShape.Any(d => d <= 0))
        {
            using var probe = session.CreateTensor([1, 3, height, width]);
            outputShape = session.ProbeOutputShape(probe);
            if (outputShape.Length != 3 || outputShape[0] != 1 || outputShape[1] < 5 || outputShape[2] < 1)
            {
                throw new ModelValidationException(
                    $"Model '{name}' output '{output.Name}' produced shape [{string.Join(", ", outputShape)}]; expected [1, 4+nc, N].");
            }
        }

        var classCount = (int)outputShape[1] - 4;
        var anchorCount = (int)outputShape[2];
        var classNames = ResolveClassNames(name, classCount, session.Metadata.GetValueOrDefault(OnnxMetadataKeys.Names), options.FallbackClassNames);
        var outputTensor = session.CreateTensor([1, classCount + 4, anchorCount]);
        return new DetectionModel(session, path, width, height, classCount, anchorCount, classNames, outputTensor);
    }

    private static string[] ResolveClassNames(string modelName, int classCount, string? metadataNames, IReadOnlyList<string> fallback)
    {
        var parsed = ModelMetadataParser.ParseNames(metadataNames);
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
        _output.Dispose();
        _session.Dispose();
    }
}
