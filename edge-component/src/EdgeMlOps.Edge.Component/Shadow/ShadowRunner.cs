using System.Diagnostics;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlOps.Edge.Component.Shadow;

/// <summary>
/// Runs the candidate model in shadow on one frame in <c>sampleEvery</c>: on the input tensor the current model
/// just ran on (copied, so the letterbox is computed once), after the current model's result is published, and
/// adds the agreement to <see cref="Comparison"/>. Nothing the candidate finds is published.
/// </summary>
public sealed class ShadowRunner : IDisposable
{
    private readonly DetectionModel _candidate;
    private readonly ModelInput _input;
    private readonly YoloV8Decoder _decoder;
    private readonly List<Detection> _detections = new(128);
    private readonly int _sampleEvery;
    private long _frames;

    private ShadowRunner(DetectionModel candidate, int sampleEvery, ShadowComparison comparison)
    {
        _candidate = candidate;
        _sampleEvery = sampleEvery;
        _input = candidate.CreateInputTensor();
        _decoder = new YoloV8Decoder(candidate.ClassCount, candidate.AnchorCount);
        Comparison = comparison;
    }

    public ShadowComparison Comparison { get; }

    /// <summary>The candidate model (its acceptance set is checked on it before serving starts).</summary>
    public DetectionModel Candidate => _candidate;

    /// <summary>
    /// Loads the candidate for a current model; a candidate that does not load or takes another input size is
    /// reported in the comparison (<see cref="ShadowComparison.Disable"/>) and null is returned: the current model
    /// keeps serving either way.
    /// </summary>
    public static ShadowRunner? TryCreate(OnnxRuntimeEnvironment runtime, DetectionModel current, string candidatePath, DetectionModelOptions options,
        int sampleEvery, ShadowComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(comparison);
        DetectionModel candidate;
        try
        {
            candidate = DetectionModel.Load(runtime, candidatePath, options);
        }
        catch (Exception ex) when (ex is ModelValidationException or FileNotFoundException or IOException or UnauthorizedAccessException or OnnxRuntimeException)
        {
            comparison.Disable($"the candidate model did not load: {ex.Message}");
            return null;
        }

        if (candidate.InputWidth != current.InputWidth || candidate.InputHeight != current.InputHeight)
        {
            comparison.Disable($"the candidate's input {candidate.InputWidth}x{candidate.InputHeight} differs from the current model's {current.InputWidth}x{current.InputHeight}; shadow evaluation needs the same input");
            candidate.Dispose();
            return null;
        }

        return new ShadowRunner(candidate, sampleEvery, comparison);
    }

    /// <summary>Counts a frame of the current model and says whether the candidate runs on it.</summary>
    public bool IsSampled() => _frames++ % _sampleEvery == 0;

    /// <summary>Runs the candidate on <paramref name="input"/> (the current model's letterboxed tensor) and compares.</summary>
    public void Run(ReadOnlySpan<float> input, LetterboxGeometry geometry, PostprocessOptions postprocess, IReadOnlyList<Detection> current, double currentInferenceMs)
    {
        input.CopyTo(_input.Data);
        var started = Stopwatch.GetTimestamp();
        try
        {
            _candidate.Run(_input);
        }
        catch (OnnxRuntimeException ex)
        {
            Comparison.CandidateFailed($"the candidate failed on a frame: {ex.Message}");
            return;
        }

        var candidateMs = (Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency;
        _decoder.Decode(_candidate.Output, geometry, postprocess, _detections);
        Comparison.Compare(current, _detections, currentInferenceMs, candidateMs);
    }

    public void Dispose()
    {
        _input.Dispose();
        _candidate.Dispose();
    }
}
