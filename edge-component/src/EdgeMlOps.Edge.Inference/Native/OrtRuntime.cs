using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Inference.Native;

/// <summary>
/// The loaded ONNX Runtime library: resolves <c>OrtGetApiBase</c> once and owns the process-wide <c>OrtEnv</c>.
/// One instance per process is enough; sessions borrow it.
/// </summary>
public sealed unsafe class OrtRuntime : IDisposable
{
    /// <summary>
    /// API version requested from <c>GetApi</c>. 17 is the oldest release whose table covers every entry this
    /// binding uses with today's semantics; newer libraries still serve it.
    /// </summary>
    private const uint RequestedApiVersion = 17;

    private const int LoggingLevelWarning = 2;

    private readonly IntPtr _library;
    private readonly OrtEnvHandle _env;

    private OrtRuntime(IntPtr library, OrtApi* api, string version, string libraryPath)
    {
        _library = library;
        Api = api;
        Version = version;
        LibraryPath = libraryPath;
        IntPtr env;
        fixed (byte* logId = "edge-inference\0"u8)
        {
            ThrowIfFailed(api->CreateEnv(LoggingLevelWarning, logId, &env));
        }
        _env = new OrtEnvHandle(this, env);
    }

    internal OrtApi* Api { get; }

    internal OrtEnvHandle Env => _env;

    /// <summary>The library's own version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>The file the library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>
    /// Loads libonnxruntime from <paramref name="libraryPath"/>. Throws <see cref="OrtException"/> with the path
    /// when the file cannot be loaded or does not export <c>OrtGetApiBase</c>.
    /// </summary>
    public static OrtRuntime Load(string libraryPath)
    {
        if (!NativeLibrary.TryLoad(libraryPath, out var library))
        {
            throw new OrtException($"Cannot load the ONNX Runtime library '{libraryPath}'.");
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
        {
            NativeLibrary.Free(library);
            throw new OrtException($"'{libraryPath}' does not export OrtGetApiBase; it is not ONNX Runtime.");
        }

        var apiBase = ((delegate* unmanaged<OrtApiBase*>)getApiBase)();
        var version = Marshal.PtrToStringUTF8(apiBase->GetVersionString()) ?? "unknown";
        var api = apiBase->GetApi(RequestedApiVersion);
        if (api == null)
        {
            NativeLibrary.Free(library);
            throw new OrtException(
                $"ONNX Runtime {version} at '{libraryPath}' does not serve C API version {RequestedApiVersion}.");
        }

        return new OrtRuntime(library, api, version, libraryPath);
    }

    /// <summary>
    /// Finds the native library the way the packaged component lays it out: an explicit path wins; otherwise
    /// <c>runtimes/linux-{arch}/native/libonnxruntime.so.1</c> below <paramref name="baseDirectory"/>; otherwise the
    /// bare file name, left to the system loader.
    /// </summary>
    public static string ResolveLibraryPath(string? explicitPath, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return explicitPath;
        }

        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var packaged = Path.Combine(baseDirectory, "runtimes", rid, "native", "libonnxruntime.so.1");
        return File.Exists(packaged) ? packaged : "libonnxruntime.so.1";
    }

    /// <summary>Throws <see cref="OrtException"/> for a non-null status, releasing the status either way.</summary>
    internal void ThrowIfFailed(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        try
        {
            var code = Api->GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8(Api->GetErrorMessage(status)) ?? "(no message)";
            throw new OrtException(message, code);
        }
        finally
        {
            Api->ReleaseStatus(status);
        }
    }

    internal IntPtr DefaultAllocator
    {
        get
        {
            IntPtr allocator;
            ThrowIfFailed(Api->GetAllocatorWithDefaultOptions(&allocator));
            return allocator;
        }
    }

    /// <summary>Copies a string ONNX Runtime allocated with the default allocator, then frees it.</summary>
    internal string TakeAllocatedString(IntPtr value)
    {
        if (value == IntPtr.Zero)
        {
            return string.Empty;
        }

        try
        {
            return Marshal.PtrToStringUTF8(value) ?? string.Empty;
        }
        finally
        {
            ThrowIfFailed(Api->AllocatorFree(DefaultAllocator, value));
        }
    }

    public void Dispose()
    {
        _env.Dispose();
        // The library stays mapped: sessions on other threads may still be finishing, and unloading ONNX Runtime
        // while its thread pools exist crashes the process. The OS reclaims it at exit.
        GC.KeepAlive(_library);
    }
}
