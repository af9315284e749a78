namespace EdgeMlOps.Testing;

/// <summary>
/// Locates the repository root: the nearest folder, walking up from a start folder, that holds <c>global.json</c>.
/// </summary>
public static class RepositoryRoot
{
    private const string MarkerFile = "global.json";

    /// <summary>Environment variable naming the root explicitly, for code running outside the repository.</summary>
    public const string OverrideVariable = "EDGEMLOPS_REPOSITORY_ROOT";

    private static readonly Lazy<string> s_fromBaseDirectory = new(() =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } configured
            ? Find(configured)
            : Find(AppContext.BaseDirectory));

    /// <summary>
    /// The repository root found from the running test assembly's folder (cached), or from
    /// <c>EDGEMLOPS_REPOSITORY_ROOT</c> when that is set.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No folder above the test assembly holds global.json.</exception>
    public static string Path => s_fromBaseDirectory.Value;

    /// <summary>Walks up from <paramref name="startDirectory"/> to the first folder holding <c>global.json</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder exists up to the file system root.</exception>
    public static string Find(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, MarkerFile)))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder at or above '{startDirectory}' holds {MarkerFile}.");
    }

    /// <summary>Combines the repository root with a relative path (segments separated by '/').</summary>
    public static string Combine(params string[] relativeSegments) =>
        System.IO.Path.Combine([Path, .. relativeSegments]);
}
