namespace EdgeMlOps.Edge.Component.Pipeline;

/// <summary>
/// Per-frame stage times in milliseconds, raised after each published frame (benchmarks and summaries). Publish
/// covers the capture decision, serialising the message and handing it to the publisher.
/// </summary>
public readonly record struct FrameTimings(
    double DecodeMs,
    double PreprocessMs,
    double InferenceMs,
    double PostprocessMs,
    double PublishMs,
    int Detections);
