namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// The model component's version is <c>&lt;package version&gt;.0.&lt;attempt&gt;</c>: a re-run for the same package
/// reuses the version it created before (attempt 0), and a version Greengrass marked FAILED is never reused — the
/// workflow renders the next attempt instead (a component version, once created, cannot be created again).
/// </summary>
public static class ModelComponentVersion
{
    /// <summary>Attempts the workflow makes for one package at most (versions <c>N.0.0</c> to <c>N.0.(MaxAttempts-1)</c>).</summary>
    public const int MaxAttempts = 10;

    public static string FromModelPackageVersion(int modelPackageVersion, int attempt = 0)
    {
        if (modelPackageVersion < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(modelPackageVersion), modelPackageVersion, "A model package version starts at 1");
        }

        return attempt is >= 0 and < MaxAttempts
            ? $"{modelPackageVersion}.0.{attempt}"
            : throw new ArgumentOutOfRangeException(nameof(attempt), attempt, $"A release attempt is between 0 and {MaxAttempts - 1}");
    }
}
