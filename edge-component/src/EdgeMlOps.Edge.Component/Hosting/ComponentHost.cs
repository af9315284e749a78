using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Frames;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Pipeline;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Component.Shadow;
using EdgeMlOps.Edge.Inference.Acceptance;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeMlOps.Edge.Component.Hosting;

/// <summary>The pieces a host runs with; the Greengrass build swaps in IPC-backed implementations.</summary>
public sealed record ComponentHostProps
{
    public required ComponentSettings Settings { get; init; }

    public required IRuntimeConfigurationSource Configuration { get; init; }

    public required IResultPublisher Publisher { get; init; }

    /// <summary>Default: <see cref="NoOpCaptureSink"/>.</summary>
    public ICaptureSink CaptureSink { get; init; } = new NoOpCaptureSink();

    /// <summary>Default: state changes are logged.</summary>
    public IComponentStateReporter? StateReporter { get; init; }

    /// <summary>Default: from <see cref="ComponentSettings.Source"/> and <see cref="ComponentSettings.ImagesPath"/>.</summary>
    public IFrameSource? FrameSource { get; init; }

    /// <summary>Default: standard error.</summary>
    public ComponentLog Log { get; init; } = ComponentLog.StandardError();
}

/// <summary>
/// Runs the component: load the model (retrying while it is missing or invalid), run its acceptance set if it has one
/// (a failure leaves the component reporting MODEL_QUALITY_FAILED, serving nothing; a candidate in shadow that fails
/// stops running while the current model keeps serving), report RUNNING, run the pipeline
/// and the periodic health message until the frame source ends or shutdown is requested, then publish a last health
/// message. Transient errors never end the process.
/// </summary>
public sealed class ComponentHost(ComponentHostProps props)
{
    private readonly HealthTracker _health = new();
    private ShadowComparison? _shadow;
    private Drift.DriftMonitor? _drift;

    public HealthTracker Health => _health;

    /// <summary>Raised for every completed frame (summaries, benchmarks).</summary>
    public event Action<FrameTimings>? FrameCompleted;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A shadow deployment names the current model's file: it serves, the model component's model runs in shadow.
        var settings = props.Settings.ForShadow();
        var log = props.Log;
        var stateReporter = props.StateReporter ?? new LogStateReporter(log);
        var (componentVersion, packageVersion) = settings.ModelVersions();
        var identity = new ModelIdentity(componentVersion, packageVersion);
        _shadow = settings.ShadowEnabled ? new ShadowComparison(settings.ShadowVersion(), settings.ShadowSampleEvery) : null;
        using var healthStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? healthLoop = null;
        props.Configuration.Changed += OnConfigurationChanged;
        try
        {
            // The topics and intervals come from the configuration (inside Greengrass only through IPC): nothing is
            // published, not even health, before it has been read, so nothing goes to a default topic.
            await props.Configuration.StartAsync(cancellationToken).ConfigureAwait(false);
            healthLoop = Task.Run(() => HealthLoopAsync(identity, healthStop.Token), CancellationToken.None);
            var (runtime, model) = await new ModelLoader(settings, _health, stateReporter, log).LoadAsync(cancellationToken).ConfigureAwait(false);
            _drift = Drift.DriftMonitor.ForModel(model.Metadata, props.Configuration.Current.Drift.WindowFrames, log.Warn);
            log.Info(_drift is null ? "the model ships no drift baseline: drift is not monitored" : "drift is monitored against the model's baseline");
            using (model)
            using (var shadow = ShadowRunnerFactory.Create(settings, runtime, model, _shadow, log))
            using (new ModelLoadedScope(_health))
            {
                // The acceptance set is the model component's, i.e. the candidate's while it runs in shadow (the
                // current model passed its own when it was released); a candidate that did not load is reported in
                // the shadow block instead.
                var checkedModel = settings.ShadowEnabled ? shadow?.Candidate : model;
                var accepted = checkedModel is null || await PassesAcceptanceAsync(checkedModel, stateReporter, cancellationToken).ConfigureAwait(false);
                if (!accepted && !settings.ShadowEnabled)
                {
                    // Not serving: results of a model that behaves otherwise than in evaluation would be trusted
                    // downstream; the health loop keeps reporting why until the deployment is rolled back or fixed.
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }

                if (!accepted)
                {
                    // A candidate in shadow that failed: it stops running, the current model (which passed its own
                    // check when released) keeps the line served, and the state stays MODEL_QUALITY_FAILED for the gate.
                    _shadow?.Disable($"the candidate failed its acceptance check: {_health.Snapshot().LastError}");
                }

                // In shadow the results are the current model's: they name it, while health names the candidate.
                var (servingComponent, servingPackage) = settings.ServingModelVersions();
                await ServeAsync(model, new ModelIdentity(servingComponent, servingPackage), accepted ? shadow : null,
                    accepted ? ComponentState.Running : ComponentState.ModelQualityFailed, stateReporter, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Info("shutdown requested");
        }
        finally
        {
            props.Configuration.Changed -= OnConfigurationChanged;
            // A device that failed stays reported as failed in its last message, so a gate reading it is not misled.
            if (_health.State is not (ComponentState.Errored or ComponentState.ModelQualityFailed))
            {
                _health.SetState(ComponentState.Stopping);
            }

            await healthStop.CancelAsync().ConfigureAwait(false);
            if (healthLoop is not null)
            {
                await healthLoop.ConfigureAwait(false);
                await PublishHealthAsync(identity, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs the model's acceptance set, when it has one, before the first frame and records the result in the health
    /// message. False when the model failed it (or the set is unusable): state MODEL_QUALITY_FAILED, the reason in
    /// <c>model.lastError</c> and <c>acceptance.message</c>.
    /// </summary>
    private async Task<bool> PassesAcceptanceAsync(DetectionModel model, IComponentStateReporter stateReporter, CancellationToken cancellationToken)
    {
        var settings = props.Settings;
        var path = settings.AcceptanceSetPath();
        if (path is null)
        {
            _health.SetAcceptance(new HealthAcceptance { Status = AcceptanceStatuses.None, Preprocessing = settings.DecoderOptions().PreprocessingName });
            props.Log.Info("the model has no acceptance set: serving without an on-device check");
            return true;
        }

        _health.SetAcceptance(new HealthAcceptance { Status = AcceptanceStatuses.Pending });
        var options = new AcceptanceRunOptions { Decoder = settings.DecoderOptions(), ParityThreshold = settings.AcceptanceParityThreshold };
        var result = await Task.Run(() => AcceptanceRunner.Run(model, path, options), cancellationToken).ConfigureAwait(false);
        _health.SetAcceptance(result);
        if (result.Status == AcceptanceStatuses.Passed)
        {
            props.Log.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"acceptance passed in {result.DurationMs} ms: parity {result.Parity} ({result.MatchedBoxes}/{result.ExpectedBoxes} boxes), " +
                $"precision {result.Precision}, recall {result.Recall}, mAP50 {result.Map50}{(result.Message is null ? "" : "; " + result.Message)}"));
            return true;
        }

        _health.SetState(ComponentState.ModelQualityFailed);
        _health.Error($"acceptance {result.Status}: {result.Message}");
        props.Log.Error(settings.ForShadow().ShadowEnabled
            ? $"candidate '{settings.ModelPath}' stops running in shadow (the current model keeps serving), acceptance {result.Status}: {result.Message}"
            : $"model '{settings.ModelPath}' not served, acceptance {result.Status}: {result.Message}");
        await stateReporter.ReportAsync(ComponentState.ModelQualityFailed, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task ServeAsync(DetectionModel model, ModelIdentity identity, ShadowRunner? shadow, ComponentState servingState, IComponentStateReporter stateReporter,
        CancellationToken cancellationToken)
    {
        var settings = props.Settings.ForShadow();
        var log = props.Log;
        using (var pipeline = new InferencePipeline(model, new InferencePipelineProps
            {
                ThingName = settings.ThingName,
                Model = identity,
                Configuration = props.Configuration,
                Publisher = props.Publisher,
                Health = _health,
                CaptureSink = props.CaptureSink,
                Pipelining = settings.Pipelining,
                MaxImagePixels = settings.MaxImagePixels,
                FastDct = settings.FastDct,
                DctScaling = settings.DctScaling,
                Log = log,
                Shadow = shadow,
                Drift = _drift,
            }))
        {
            pipeline.FrameCompleted += t => FrameCompleted?.Invoke(t);
            await RunPipelineAsync(pipeline, servingState, stateReporter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the pipeline until the source ends or shutdown. A failing source (the images folder missing or empty,
    /// a camera gone) is reported as ERRORED and retried every modelRetrySeconds instead of ending the process.
    /// </summary>
    private async Task RunPipelineAsync(InferencePipeline pipeline, ComponentState servingState, IComponentStateReporter stateReporter, CancellationToken cancellationToken)
    {
        // Serving with a rejected candidate keeps its state and error: the heartbeat must go on saying why.
        var acceptanceError = servingState == ComponentState.Running ? null : _health.Snapshot().LastError;
        while (true)
        {
            _health.SetState(servingState);
            _health.Error(acceptanceError);
            await stateReporter.ReportAsync(servingState, cancellationToken).ConfigureAwait(false);
            try
            {
                await pipeline.RunAsync(props.FrameSource ?? CreateSource(props.Settings), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _health.SetState(ComponentState.Errored);
                _health.Error($"frame source failed: {ex.Message}");
                props.Log.Error($"frame source failed (retrying in {props.Settings.ModelRetrySeconds} s): {ex.Message}");
                await stateReporter.ReportAsync(ComponentState.Errored, cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(props.Settings.ModelRetrySeconds), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnConfigurationChanged(RuntimeSettings settings) =>
        props.Log.Info($"runtime settings changed: confidence {settings.ConfidenceThreshold}, IoU {settings.IouThreshold}, " +
            $"max detections {settings.MaxDetections}, interval {settings.FrameIntervalMs} ms, results topic '{settings.ResultsTopic}'");

    private IFrameSource CreateSource(ComponentSettings settings) => settings.Source switch
    {
        FrameSourceKind.Watch => new WatchedFolderSource(settings.EffectiveImagesPath, TimeSpan.FromMilliseconds(Math.Max(50, Math.Min(props.Configuration.Current.FrameIntervalMs, 1000))),
            maxFrames: settings.MaxFrames, maxFileBytes: settings.MaxFileBytes),
        _ => new FolderReplaySource(settings.EffectiveImagesPath, () => TimeSpan.FromMilliseconds(props.Configuration.Current.FrameIntervalMs),
            settings.Loop, settings.MaxFrames, maxFileBytes: settings.MaxFileBytes),
    };

    private async Task HealthLoopAsync(ModelIdentity identity, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(props.Configuration.Current.HealthIntervalSeconds), cancellationToken).ConfigureAwait(false);
                await PublishHealthAsync(identity, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping; the host publishes a final message.
        }
    }

    private async Task PublishHealthAsync(ModelIdentity identity, CancellationToken cancellationToken)
    {
        var current = props.Configuration.Current;
        var topic = current.ForThing(props.Settings.ThingName).HealthTopic;
        var now = DateTimeOffset.UtcNow;
        var drift = current.Drift.Enabled ? Volatile.Read(ref _drift)?.Score(current.Drift, now) : null;
        var payload = HealthMessageWriter.Write(props.Settings.ThingName, identity, _health.Snapshot(), props.CaptureSink.Backlog,
            props.CaptureSink.Dropped, now, props.CaptureSink.Upload, props.CaptureSink.Counts, _shadow?.Snapshot(), current.ThingGroup, drift);
        try
        {
            await props.Publisher.PublishAsync(topic, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            props.Log.Warn($"publishing health to '{topic}' failed: {ex.Message}");
        }
    }

    /// <summary>Marks the model unloaded when the host leaves the block that owns it.</summary>
    private sealed class ModelLoadedScope(HealthTracker health) : IDisposable
    {
        public void Dispose() => health.SetModelLoaded(false);
    }
}
