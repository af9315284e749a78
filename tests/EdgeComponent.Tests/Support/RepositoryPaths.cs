namespace EdgeComponent.Tests.Support;

/// <summary>Locates the repository root (the folder holding EdgeMlOpsInfra.sln or global.json) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The Microsoft.ML.OnnxRuntime package's linux-x64 library as the build copies it next to the tests: the one
    /// library a test process loads (a process cannot load two).
    /// </summary>
    public static string OnnxRuntimeX64 => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");

    public static string TestImages => Path.Combine(Root, "tests", "data", "edge", "images");

    public static string ComponentProject => Path.Combine(Root, "edge-component", "src", "EdgeMlOps.Edge.Component", "EdgeMlOps.Edge.Component.csproj");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeMlOpsInfra.sln")) || File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No EdgeMlOpsInfra.sln or global.json above {AppContext.BaseDirectory}.");
    }
}
