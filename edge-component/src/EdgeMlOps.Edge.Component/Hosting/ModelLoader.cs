using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Inference.Runtime;

namespace EdgeMlOps.Edge.Component.Hosting;

/// <summary>
/// Loads ONNX Runtime and the model, retrying until both succeed or the component stops: a missing or invalid
/// model is reported (clear error, state ERRORED) and retried every <see cref="ComponentSettings.ModelRetrySeconds"/>,
/// since the model component may still be arriving or be replaced by a fixed deployment.
/// </summary>
public sealed class ModelLoader(ComponentSettings settings, HealthTracker health, IComponentStateReporter state, ComponentLog log)
{
    /// <summary>Completes with a loaded model, or is cancelled.</summary>
    public async Task<(OnnxRuntimeEnvironment Runtime, DetectionModel Model)> LoadAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            attempt++;
            try
            {
                var runtime = OnnxRuntimeEnvironment.Load(settings.OnnxRuntimeLibraryPath);
                var model = DetectionModel.Load(runtime, settings.ModelPath, new DetectionModelOptions
                {
                    FallbackClassNames = settings.ClassNames,
                    FallbackImageSize = settings.ImageSize,
                    IntraOpThreads = settings.IntraOpThreads,
                    AllowSpinning = settings.AllowSpinning,
                });
                health.Error(null);
                health.SetModelLoaded(true);
                log.Info($"loaded model '{settings.ModelPath}' ({runtime.Description}): input {model.InputWidth}x{model.InputHeight}, " +
                    $"{model.ClassCount} classes, {model.AnchorCount} anchors");
                return (runtime, model);
            }
            catch (Exception ex) when (ex is OnnxRuntimeLoadException or ModelValidationException or FileNotFoundException or IOException or UnauthorizedAccessException)
            {
                var message = ex.Message;
                health.Error(message);
                health.SetState(ComponentState.Errored);
                log.Error($"model not usable (attempt {attempt}, retrying in {settings.ModelRetrySeconds} s): {message}");
                await state.ReportAsync(ComponentState.Errored, cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(settings.ModelRetrySeconds), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
