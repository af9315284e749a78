using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// A component to deploy at an exact version, optionally with configuration the release sets (merged over the
/// component's existing configuration update, see <see cref="DeploymentReviser"/>).
/// </summary>
public sealed record ComponentUpdate(string ComponentName, string ComponentVersion, JsonObject? ConfigurationMerge = null)
{
    /// <summary>
    /// Configuration paths (JSON pointers) the rollback resets to the recipe's defaults: keys this release sets that
    /// the last known good never had (e.g. <c>/shadow/currentModelFile</c>), which a rollback deployment's own merge
    /// would otherwise leave on the device, since Greengrass merges over the device's configuration. Default: none.
    /// </summary>
    public IReadOnlyList<string> RollbackReset { get; init; } = [];
}
