using System.Runtime.InteropServices;
using EdgeMlOps.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlOps.Edge.Inference.Runtime;

/// <summary>ONNX Runtime could not be loaded (missing, damaged or not ONNX Runtime); the message names the file.</summary>
public sealed class OnnxRuntimeLoadException : Exception
{
    public OnnxRuntimeLoadException()
    {
    }

    public OnnxRuntimeLoadException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The process's ONNX Runtime (the official Microsoft.ML.OnnxRuntime package), loaded once from a checked file:
/// the native library is verified against the artifact's SHA-256 manifest (<see cref="NativeLibraryManifest"/>)
/// and structurally (<see cref="SharedLibraryFile"/>) before the loader maps it, then handed to the package's
/// P/Invokes through a DLL import resolver, so the library that runs is exactly the one checked.
/// </summary>
public sealed class OnnxRuntimeEnvironment
{
    private const string ImportName = "onnxruntime";

    private static readonly object s_lock = new();
    private static OnnxRuntimeEnvironment? s_loaded;

    private OnnxRuntimeEnvironment(string libraryPath, string version, bool verifiedByManifest)
    {
        LibraryPath = libraryPath;
        Version = version;
        VerifiedByManifest = verifiedByManifest;
    }

    /// <summary>The file the library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>The library's own version string, e.g. "1.32.0".</summary>
    public string Version { get; }

    /// <summary>True when the library matched the artifact's SHA-256 manifest (false: no manifest, development build).</summary>
    public bool VerifiedByManifest { get; }

    /// <summary>One line for logs and the benchmark.</summary>
    public string Description =>
        $"ONNX Runtime {Version} (Microsoft.ML.OnnxRuntime) from '{LibraryPath}'{(VerifiedByManifest ? ", SHA-256 verified" : ", no manifest")}";

    /// <summary>
    /// Loads ONNX Runtime once per process. The library is <paramref name="explicitPath"/> when given, else
    /// <c>runtimes/linux-{arch}/native/libonnxruntime.so</c> below <paramref name="baseDirectory"/> (default: the
    /// application folder, where both the build output and the artifact put it). When that folder holds a
    /// <see cref="NativeLibraryManifest"/>, a library below it must match its SHA-256. Throws
    /// <see cref="OnnxRuntimeLoadException"/> naming the file when it is missing, damaged, truncated or not ONNX Runtime;
    /// a later call retries. Once loaded, later calls return the same environment (a different explicit path is refused:
    /// a process cannot swap its native library).
    /// </summary>
    public static OnnxRuntimeEnvironment Load(string? explicitPath = null, string? baseDirectory = null)
    {
        baseDirectory ??= AppContext.BaseDirectory;
        var path = Path.GetFullPath(ResolveLibraryPath(explicitPath, baseDirectory));
        lock (s_lock)
        {
            if (s_loaded is not null)
            {
                return s_loaded.LibraryPath == path
                    ? s_loaded
                    : throw new OnnxRuntimeLoadException($"ONNX Runtime is already loaded from '{s_loaded.LibraryPath}'; '{path}' cannot replace it in a running process.");
            }

            var verified = Verify(path, baseDirectory);
            if (!NativeLibrary.TryLoad(path, out var handle))
            {
                throw new OnnxRuntimeLoadException($"Cannot load the ONNX Runtime library '{path}' (the dynamic loader refused it).");
            }

            // The package would otherwise probe on its own; ours hands it the handle of the file checked above.
            OrtEnv.DisableDllImportResolver = true;
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly,
                (name, _, _) => name == ImportName ? handle : IntPtr.Zero);
            string version;
            try
            {
                version = OrtEnv.Instance().GetVersionString();
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or TypeInitializationException)
            {
                // EntryPointNotFound: the file is a shared library, but not ONNX Runtime.
                throw new OnnxRuntimeLoadException($"ONNX Runtime from '{path}' failed to start (is it ONNX Runtime?): {ex.Message}", ex);
            }

            s_loaded = new OnnxRuntimeEnvironment(path, version, verified);
            return s_loaded;
        }
    }

    /// <summary>An explicit path wins; otherwise the packaged location for this process's architecture.</summary>
    public static string ResolveLibraryPath(string? explicitPath, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return explicitPath;
        }

        return Path.Combine(baseDirectory, OnnxRuntimeLayout.PackagedLibraryEntry(RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64"));
    }

    private static bool Verify(string path, string baseDirectory)
    {
        if (!File.Exists(path))
        {
            throw new OnnxRuntimeLoadException($"The ONNX Runtime library '{path}' does not exist.");
        }

        var verified = false;
        var root = Path.GetFullPath(baseDirectory);
        var insideArtifact = path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        NativeLibraryManifest? manifest;
        try
        {
            manifest = insideArtifact ? NativeLibraryManifest.TryRead(root) : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new OnnxRuntimeLoadException($"The native library manifest in '{root}' is unreadable: {ex.Message}", ex);
        }

        if (manifest is not null)
        {
            var problem = manifest.Check(root, path);
            if (problem is not null)
            {
                throw new OnnxRuntimeLoadException("ONNX Runtime library refused: " + problem);
            }

            verified = true;
        }

        var structural = SharedLibraryFile.FindProblem(path);
        return structural is null ? verified : throw new OnnxRuntimeLoadException("ONNX Runtime library refused: " + structural);
    }
}
