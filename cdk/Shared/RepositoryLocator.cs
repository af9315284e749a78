namespace EdgeMlOps.Cdk.Shared;

/// <summary>Finds the repository root: the nearest folder upwards that holds cdk.json.</summary>
public static class RepositoryLocator
{
    public static string FindRoot(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "cdk.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No cdk.json found in {startDirectory} or any folder above it");
    }
}
