namespace EdgeComponent.Tests.Support;

/// <summary>Locates the repository root (the folder holding EdgeMlOpsInfra.sln or global.json) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string OnnxRuntimeX64 => Path.Combine(Root, "node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", "x64", "libonnxruntime.so.1");

    public static string OnnxRuntimeArm64 => Path.Combine(Root, "node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", "arm64", "libonnxruntime.so.1");

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
