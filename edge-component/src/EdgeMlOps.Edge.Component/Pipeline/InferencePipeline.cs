using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Frames;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Imaging;
using EdgeMlOps.Edge.Inference.Inference;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlOps.Edge.Component.Pipeline;

/// <summary>What the pipeline needs besides the model.</summary>
public sealed record InferencePipelineProps
{
    public required string ThingName { get; init; }

    public required ModelIdentity Model { get; init; }

    public required IRuntimeConfigurationSource Configuration { get; init; }

    public required IResultPublisher Publisher { get; init; }

    public required HealthTracker Health { get; init; }

    /// <summary>Where captured frames go. Default: a <see cref="NoOpCaptureSink"/>.</summary>
    public ICaptureSink CaptureSink { get; init; } = new NoOpCaptureSink();

    /// <summary>Decode the next frame while the current one runs (two input slots instead of one). Default: true.</summary>
    public bool Pipelining { get; init; } = true;

    /// <summary>Pixel limit checked on the JPEG header before decoding. Default: 50,000,000 (<see cref="JpegDecoderOptions.DefaultMaxPixels"/>).</summary>
    public long MaxImagePixels { get; init; } = JpegDecoderOptions.DefaultMaxPixels;

    /// <summary>Opt-in fast DCT (<see cref="JpegDecoderOptions.FastDct"/>). Default: false, the accurate DCT of the training side.</summary>
    public bool FastDct { get; init; }

    /// <summary>Opt-in reduced-size decode (<see cref="JpegDecoderOptions.AllowDctScaling"/>). Default: false, full decode then bilinear letterbox.</summary>
    public bool DctScaling { get; init; }

    /// <summary>The decoder settings these props describe (also used by the acceptance check, so both decode alike).</summary>
    public JpegDecoderOptions DecoderOptions => new() { MaxPixels = MaxImagePixels, FastDct = FastDct, AllowDctScaling = DctScaling };

    /// <summary>Log for skipped frames. Default: standard error.</summary>
    public ComponentLog Log { get; init; } = ComponentLog.StandardError();

    /// <summary>A candidate model run in shadow on a sample of the frames. Default: none.</summary>
    public Shadow.ShadowRunner? Shadow { get; init; }

    /// <summary>Drift monitor of the model's baseline; null when the model ships none. Default: null.</summary>
    public Drift.DriftMonitor? Drift { get; init; }

    /// <summary>The clock of the capture boost. Default: the system clock.</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>Random draw for sampled capture. Default: <see cref="Random.Shared"/>.</summary>
    public Func<double> RandomDraw { get; init; } = Random.Shared.NextDouble;
}

/// <summary>
/// Decode → letterbox → infer → decode detections → publish, for each frame of a source. With pipelining, a
/// producer decodes and pre-processes frame n+1 into a second pinned input tensor while frame n runs through ONNX
/// Runtime, so the model is rarely idle. A bad image is skipped and counted under its reason; a failed publish or
/// inference is counted and the loop goes on. Stops when the source ends or the token is cancelled, finishing the
/// frame in flight.
/// </summary>
public sealed class InferencePipeline : IDisposable
{
    private readonly DetectionModel _model;
    private readonly InferencePipelineProps _props;
    private readonly Slot[] _slots;
    private readonly YoloV8Decoder _decoder;
    private readonly List<Detection> _detections = new(128);
    private float[] _confidences = new float[128];
    private readonly ResultMessageWriter _messages = new();
    private RuntimeSettings? _settingsSeen;
    private PostprocessOptions _postprocess = new();
    private RuntimeSettings _topics = new();

    public InferencePipeline(DetectionModel model, InferencePipelineProps props)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(props);
        _model = model;
        _props = props;
        var decoderOptions = props.DecoderOptions;
        _slots = Enumerable.Range(0, props.Pipelining ? 2 : 1).Select(_ => new Slot(model, decoderOptions)).ToArray();
        _decoder = new YoloV8Decoder(model.ClassCount, model.AnchorCount);
    }

    /// <summary>Raised on the inference thread after each published frame.</summary>
    public event Action<FrameTimings>? FrameCompleted;

    /// <summary>
    /// How long a stop waits for the producer after the last frame: a producer blocked in the operating system (a
    /// read on a hung network share, a camera driver that ignores cancellation) is abandoned after this, so a stop
    /// always finishes within the recipe's shutdown timeout.
    /// </summary>
    public static readonly TimeSpan ProducerStopGrace = TimeSpan.FromSeconds(2);

    private bool _producerAbandoned;

    public async Task RunAsync(IFrameSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var free = Channel.CreateBounded<Slot>(_slots.Length);
        var ready = Channel.CreateBounded<Slot>(_slots.Length);
        foreach (var slot in _slots)
        {
            free.Writer.TryWrite(slot);
        }

        var producer = Task.Run(() => ProduceAsync(source, free, ready.Writer, cancellationToken), CancellationToken.None);
        try
        {
            // Cancellable wait: on a stop the frame in flight finishes, frames decoded but not yet run are dropped, and
            // nothing waits on a producer that may be stuck.
            await foreach (var slot in ready.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ConsumeAsync(slot, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slot.Release();
                    free.Writer.TryWrite(slot);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (await Task.WhenAny(producer, Task.Delay(ProducerStopGrace, CancellationToken.None)).ConfigureAwait(false) != producer)
            {
                _producerAbandoned = true;
                _props.Log.Warn($"the frame source did not stop within {ProducerStopGrace.TotalSeconds} s (blocked in a read?); leaving it behind");
            }
        }
    }

    private async Task ProduceAsync(IFrameSource source, Channel<Slot> free, ChannelWriter<Slot> ready, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await foreach (var frame in source.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
            {
                var slot = await free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var reason = slot.Prepare(frame);
                if (reason is null)
                {
                    await ready.WriteAsync(slot, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                _props.Health.FrameFailed(reason);
                _props.Log.Warn($"skipped image '{frame.ImageId}': {reason} ({slot.LastError})");
                slot.Release();
                free.Writer.TryWrite(slot);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: let the consumer finish what is queued.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            ready.TryComplete(failure);
        }
    }

    private async ValueTask ConsumeAsync(Slot slot, CancellationToken cancellationToken)
    {
        var settings = CurrentSettings();
        var frame = slot.Frame!;
        var started = Stopwatch.GetTimestamp();
        try
        {
            _model.Run(slot.Input);
        }
        catch (OnnxRuntimeException ex)
        {
            _props.Health.FrameFailed("inference-error");
            _props.Log.Warn($"inference failed on '{frame.ImageId}': {ex.Message}");
            return;
        }

        var inferred = Stopwatch.GetTimestamp();
        _decoder.Decode(_model.Output, slot.Geometry, _postprocess, _detections);
        var postprocessed = Stopwatch.GetTimestamp();

        float? best = _detections.Count > 0 ? _detections[0].Confidence : null;
        var confidenceSum = 0.0;
        if (_confidences.Length < _detections.Count)
        {
            _confidences = new float[_detections.Count];
        }

        for (var i = 0; i < _detections.Count; i++)
        {
            _confidences[i] = _detections[i].Confidence;
            confidenceSum += _detections[i].Confidence;
        }

        var drift = settings.Drift.Enabled ? _props.Drift : null;
        drift?.Record(slot.Image.Pixels, slot.Image.Width, slot.Image.Height, _confidences.AsSpan(0, _detections.Count), settings.Drift.WindowFrames);
        var boosted = drift?.BoostActive(_props.Now()) == true ? settings.Drift.BoostSampleFraction : (double?)null;
        var capture = CaptureDecision.Decide(best, settings.Capture, _props.RandomDraw(), boosted);
        var latency = new StageLatency(slot.DecodeMs, slot.PreprocessMs, Milliseconds(started, inferred), Milliseconds(inferred, postprocessed));
        var payload = _messages.Write(_props.ThingName, _props.Model, frame.ImageId, frame.CapturedAt, slot.Image.OriginalWidth,
            slot.Image.OriginalHeight, _detections, _model.ClassNames, latency, capture != CaptureReason.None);

        try
        {
            await _props.Publisher.PublishAsync(_topics.ResultsTopic, payload, cancellationToken).ConfigureAwait(false);
            _props.Health.ResultPublished();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _props.Health.PublishFailed();
            _props.Log.Warn($"publishing the result of '{frame.ImageId}' failed: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            // Shutting down while publishing: the frame is counted as processed below, not as a failure.
        }

        var published = Stopwatch.GetTimestamp();
        if (capture != CaptureReason.None)
        {
            var metadata = CaptureSidecar.Build(frame.ImageId, _props.ThingName, frame.CapturedAt, capture, best, _props.Model,
                payload.Span, slot.Image.OriginalWidth, slot.Image.OriginalHeight, _detections, _model.ClassNames);
            try
            {
                if (_props.CaptureSink.TryEnqueue(frame.Data, metadata))
                {
                    _props.Health.FrameCaptured();
                }
            }
            catch (IOException ex)
            {
                // A full or failing disk loses this capture, never the inference loop.
                _props.Log.Warn($"capturing '{frame.ImageId}' failed: {ex.Message}");
            }
        }

        _props.Health.FrameProcessed(_detections.Count, latency.TotalMs, latency.InferenceMs, confidenceSum);
        if (_props.Shadow is { } shadow && shadow.IsSampled())
        {
            // After the current model's result is out: the candidate never delays what is published.
            shadow.Run(slot.Input.Data, slot.Geometry, _postprocess, _detections, latency.InferenceMs);
        }

        FrameCompleted?.Invoke(new FrameTimings(latency.DecodeMs, latency.PreprocessMs, latency.InferenceMs,
            latency.PostprocessMs, Milliseconds(postprocessed, published), _detections.Count));
    }

    private RuntimeSettings CurrentSettings()
    {
        var settings = _props.Configuration.Current;
        if (!ReferenceEquals(settings, _settingsSeen))
        {
            // Rebuilt only when the configuration changed, so the steady state allocates nothing here.
            _settingsSeen = settings;
            _postprocess = new PostprocessOptions
            {
                ConfidenceThreshold = (float)settings.ConfidenceThreshold,
                IouThreshold = (float)settings.IouThreshold,
                MaxDetections = settings.MaxDetections,
            };
            _topics = settings.ForThing(_props.ThingName);
        }

        return settings;
    }

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public void Dispose()
    {
        if (_producerAbandoned)
        {
            // The producer may still write into a slot; the process is stopping, the OS reclaims the buffers.
            return;
        }

        foreach (var slot in _slots)
        {
            slot.Dispose();
        }
    }

    /// <summary>One input buffer set: a decoder, a decoded image, a pre-processor and the pinned input tensor.</summary>
    private sealed class Slot : IDisposable
    {
        private readonly JpegDecoder _jpeg;
        private readonly LetterboxPreprocessor _letterbox;

        public Slot(DetectionModel model, JpegDecoderOptions options)
        {
            _jpeg = new JpegDecoder(options);
            _letterbox = new LetterboxPreprocessor(model.InputWidth, model.InputHeight);
            Input = model.CreateInputTensor();
        }

        public ModelInput Input { get; }

        public DecodedImage Image { get; } = new();

        public LetterboxGeometry Geometry { get; private set; }

        public Frame? Frame { get; private set; }

        public double DecodeMs { get; private set; }

        public double PreprocessMs { get; private set; }

        public string LastError { get; private set; } = string.Empty;

        /// <summary>Decodes and letterboxes <paramref name="frame"/>; returns the failure reason, or null on success.</summary>
        public string? Prepare(Frame frame)
        {
            Frame = frame;
            if (frame.ReadFailure is not null)
            {
                LastError = frame.ReadFailure;
                return frame.FailureReason.ToWireName();
            }

            var started = Stopwatch.GetTimestamp();
            var result = _jpeg.Decode(frame.Data, Image, _letterbox.InputWidth, _letterbox.InputHeight);
            var decoded = Stopwatch.GetTimestamp();
            if (result != ImageFailureReason.None)
            {
                LastError = _jpeg.LastError;
                return result.ToWireName();
            }

            Geometry = _letterbox.Process(Image, Input.Data);
            var preprocessed = Stopwatch.GetTimestamp();
            DecodeMs = Milliseconds(started, decoded);
            PreprocessMs = Milliseconds(decoded, preprocessed);
            return null;
        }

        public void Release()
        {
            Frame?.Dispose();
            Frame = null;
        }

        public void Dispose()
        {
            Release();
            Input.Dispose();
            _jpeg.Dispose();
        }
    }
}
