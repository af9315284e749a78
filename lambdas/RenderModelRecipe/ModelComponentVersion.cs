namespace EdgeMlOps.EdgeDeployment.RenderModelRecipe;

/// <summary>
/// The model component's version is <c>&lt;package version&gt;.0.0</c>: one component version per model package
/// version, so a re-run for the same package finds the version it created before instead of a new one.
/// </summary>
public static class ModelComponentVersion
{
    public static string FromModelPackageVersion(int modelPackageVersion) =>
        modelPackageVersion >= 1
            ? $"{modelPackageVersion}.0.0"
            : throw new ArgumentOutOfRangeException(nameof(modelPackageVersion), modelPackageVersion, "A model package version starts at 1");
}
