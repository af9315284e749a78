using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Inference.Inference;
using EdgeMlOps.Edge.Inference.Runtime;

namespace EdgeMlOps.Edge.Component.Shadow;

/// <summary>Builds the shadow runner a host needs from its settings: none without a candidate.</summary>
public static class ShadowRunnerFactory
{
    public static ShadowRunner? Create(ComponentSettings settings, OnnxRuntimeEnvironment runtime, DetectionModel current, ShadowComparison? comparison, ComponentLog log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        if (comparison is null || !settings.ShadowEnabled)
        {
            return null;
        }

        var runner = ShadowRunner.TryCreate(runtime, current, settings.ShadowModelPath, new DetectionModelOptions
        {
            FallbackClassNames = settings.ClassNames,
            FallbackImageSize = settings.ImageSize,
            IntraOpThreads = settings.IntraOpThreads,
            AllowSpinning = settings.AllowSpinning,
        }, settings.ShadowSampleEvery, comparison);
        if (runner is null)
        {
            log.Error($"shadow evaluation off, the current model serves alone: {comparison.Snapshot().LastError}");
        }
        else
        {
            log.Info($"candidate '{settings.ShadowModelPath}' ({settings.ShadowVersion()}) runs in shadow on one frame in {settings.ShadowSampleEvery}");
        }

        return runner;
    }
}
