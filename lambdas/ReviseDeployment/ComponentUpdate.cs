namespace EdgeMlOps.EdgeDeployment.ReviseDeployment;

/// <summary>A component to deploy at an exact version.</summary>
public readonly record struct ComponentUpdate(string ComponentName, string ComponentVersion);
