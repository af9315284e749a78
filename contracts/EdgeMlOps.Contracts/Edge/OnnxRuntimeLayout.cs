namespace EdgeMlOps.Contracts;

/// <summary>
/// Where the ONNX Runtime library sits below the application folder: the Microsoft.ML.OnnxRuntime package's
/// <c>runtimes/&lt;rid&gt;/native/</c> layout, which the build output, the artifact and the component's loader share.
/// </summary>
public static class OnnxRuntimeLayout
{
    /// <summary>The library's file name.</summary>
    public const string LibraryFileName = "libonnxruntime.so";

    /// <summary>The library's path below the application folder for <paramref name="runtimeIdentifier"/> ("linux-x64").</summary>
    public static string PackagedLibraryEntry(string runtimeIdentifier) => $"runtimes/{runtimeIdentifier}/native/{LibraryFileName}";
}
