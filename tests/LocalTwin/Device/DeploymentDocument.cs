using System.Text.Json.Nodes;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>What a core device receives for a deployment: the component list and how failures are handled.</summary>
/// <param name="DeploymentId">The Greengrass deployment id.</param>
/// <param name="JobId">The IoT job that carries it to the devices of the target group.</param>
/// <param name="Components">Component name → <c>{ComponentVersion, ConfigurationUpdate?}</c>, as CreateDeployment took it.</param>
/// <param name="RollbackOnFailure">FailureHandlingPolicy ROLLBACK: a device that fails goes back to its previous components.</param>
public sealed record DeploymentDocument(string DeploymentId, string JobId, JsonObject Components, bool RollbackOnFailure);

/// <summary>A device's progress on one deployment job: QUEUED, IN_PROGRESS, SUCCEEDED or FAILED with a reason.</summary>
public sealed record JobExecution(string Status, string? Reason = null);

/// <summary>Component recipes the device can resolve (the Greengrass cloud's component versions).</summary>
public interface IComponentStore
{
    /// <summary>The recipe JSON of a registered component version; null when there is none.</summary>
    string? Recipe(string componentName, string componentVersion);
}

/// <summary>Where the device downloads artifacts from (S3 through the token exchange role).</summary>
public interface IArtifactStore
{
    Task DownloadAsync(string uri, string destinationFile, CancellationToken cancellationToken);
}

/// <summary>One deployment could not be applied on a device; the message says why, for the job execution.</summary>
public sealed class DeploymentFailedException(string message) : Exception(message);
