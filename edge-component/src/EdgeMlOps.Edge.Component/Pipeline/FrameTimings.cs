namespace EdgeMlOps.Edge.Component.Pipeline;

/// <summary>Per-frame stage times in milliseconds, raised after each published frame (benchmarks and summaries).</summary>
public readonly record struct FrameTimings(
    double DecodeMs,
    double PreprocessMs,
    double InferenceMs,
    double PostprocessMs,
    double PublishMs,
    int Detections);
