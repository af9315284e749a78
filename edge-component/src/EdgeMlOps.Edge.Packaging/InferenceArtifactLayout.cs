using EdgeMlOps.Contracts;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>
/// Where things are inside the artifact zip: the published application at the root, one ONNX Runtime library per
/// architecture under runtimes/&lt;rid&gt;/native (the layout the component probes), the sample images for the
/// simulated camera under sample-images/. The recipe and the packager both use these paths, so they cannot drift.
/// </summary>
public static class InferenceArtifactLayout
{
    public const string DefaultArchiveName = "edge-inference";
    public const string EntryAssembly = "EdgeMlOps.Edge.Component.dll";
    public const string OnnxRuntimeFileName = OnnxRuntimeLayout.LibraryFileName;
    public const string RuntimesFolder = "runtimes";
    public const string SampleImagesFolder = "sample-images";

    /// <summary>Greengrass platform architecture → .NET runtime identifier.</summary>
    public static readonly IReadOnlyList<(string GreengrassArchitecture, string RuntimeIdentifier)> Platforms =
    [
        ("amd64", "linux-x64"),
        ("aarch64", "linux-arm64"),
    ];

    public static string OnnxRuntimeEntry(string runtimeIdentifier) => OnnxRuntimeLayout.PackagedLibraryEntry(runtimeIdentifier);

    /// <summary>
    /// Whether a published file goes into the zip: everything except the native libraries of platforms the recipe
    /// does not target (the ONNX Runtime package ships Windows, macOS, Android and iOS ones too).
    /// </summary>
    public static bool IsShipped(string relativePath) =>
        !relativePath.StartsWith(RuntimesFolder + "/", StringComparison.Ordinal) ||
        Platforms.Any(p => relativePath.StartsWith($"{RuntimesFolder}/{p.RuntimeIdentifier}/", StringComparison.Ordinal));
}
