using Amazon.CDK.AWS.Logs;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

/// <summary>
/// Saved Logs Insights queries over the fleet health log: the per-device detail that the fleet metrics leave out.
/// Alarm descriptions name them; <see cref="Name"/> gives the name shown in the console.
/// </summary>
public sealed class FleetQueries : Construct
{
    public const string DeviceStatus = "device-status";
    public const string SilentDevices = "silent-devices";
    public const string FailedFrames = "failed-frames";
    public const string SlowDevices = "slow-devices";
    public const string CaptureBacklog = "capture-backlog";
    public const string UploadFailures = "upload-failures";
    public const string Drift = "drift";
    public const string ModelVersions = "model-versions";

    private readonly string _prefix;

    public FleetQueries(Construct scope, string id, ILogGroup logGroup, string namePrefix)
        : base(scope, id)
    {
        _prefix = namePrefix;
        Texts = new Dictionary<string, string>
        {
            [DeviceStatus] = $"stats latest({FleetHealthLog.State}) as state, latest({FleetHealthLog.ModelVersion}) as model, latest({FleetHealthLog.FramesPerSecond}) as fps, latest({FleetHealthLog.FailedFrameRatio}) as failedRatio, latest({FleetHealthLog.LatencyP95}) as p95Ms, latest({FleetHealthLog.CaptureBacklog}) as backlog, latest({FleetHealthLog.DriftScore}) as drift, max({FleetHealthLog.ReceivedAt}) as lastSeenMs by {FleetHealthLog.ThingName} | sort {FleetHealthLog.ThingName} asc",
            // A device silent for the whole query window has no event in it: run it over a window longer than the bound.
            [SilentDevices] = $"stats max({FleetHealthLog.ReceivedAt}) as lastSeenMs, latest({FleetHealthLog.ModelVersion}) as model by {FleetHealthLog.ThingName} | sort lastSeenMs asc | limit 100",
            [FailedFrames] = $"filter {FleetHealthLog.FailedFrameRatio} > 0 | stats latest({FleetHealthLog.FailedFrameRatio}) as failedRatio, latest({FleetHealthLog.LastError}) as lastError, latest({FleetHealthLog.ModelVersion}) as model by {FleetHealthLog.ThingName} | sort failedRatio desc | limit 100",
            [SlowDevices] = $"stats max({FleetHealthLog.LatencyP95}) as p95Ms, latest({FleetHealthLog.ModelVersion}) as model by {FleetHealthLog.ThingName} | sort p95Ms desc | limit 100",
            [CaptureBacklog] = $"stats latest({FleetHealthLog.CaptureBacklog}) as backlog, max({FleetHealthLog.CaptureDropped}) as dropped by {FleetHealthLog.ThingName} | sort backlog desc | limit 100",
            [UploadFailures] = $"filter {FleetHealthLog.UploadFailures} > 0 | stats latest({FleetHealthLog.UploadFailureRatio}) as failureRatio, latest({FleetHealthLog.UploadFailures}) as failures by {FleetHealthLog.ThingName} | sort failureRatio desc | limit 100",
            [Drift] = $"filter ispresent({FleetHealthLog.DriftScore}) | stats latest({FleetHealthLog.DriftScore}) as drift, latest({FleetHealthLog.Drifted}) as drifted, " +
                string.Concat(EdgeMlOps.Contracts.DriftStatistics.All.Select(st => $"latest({FleetHealthLog.DriftStatisticField(st)}) as {st}, ")) +
                $"latest({FleetHealthLog.CaptureBoostUntil}) as captureBoostUntil, latest({FleetHealthLog.ModelVersion}) as model, latest({FleetHealthLog.ThingGroup}) as thingGroup by {FleetHealthLog.ThingName} | sort drift desc | limit 100",
            [ModelVersions] = $"stats latest({FleetHealthLog.ModelVersion}) as model by {FleetHealthLog.ThingName} | stats count(*) as devices by model",
        };
        foreach (var (key, text) in Texts)
        {
            _ = new CfnQueryDefinition(this, key, new CfnQueryDefinitionProps
            {
                Name = Name(key),
                QueryString = text,
                LogGroupNames = [logGroup.LogGroupName],
            });
        }
    }

    /// <summary>Query text by key.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>The saved query's name (folders by '/' in the console).</summary>
    public string Name(string key) => $"{_prefix}/fleet/{key}";
}
