using System.Text.Json.Nodes;

namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>
/// A component to deploy at an exact version, optionally with configuration the release sets (merged over the
/// component's existing configuration update, see <see cref="DeploymentReviser"/>).
/// </summary>
public sealed record ComponentUpdate(string ComponentName, string ComponentVersion, JsonObject? ConfigurationMerge = null);
