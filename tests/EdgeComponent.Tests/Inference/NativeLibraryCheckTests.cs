using EdgeComponent.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Inference.Runtime;

namespace EdgeComponent.Tests.Inference;

/// <summary>The checks that run before the ONNX Runtime library is loaded (on copies of the real library).</summary>
public sealed class NativeLibraryCheckTests
{
    [Fact]
    public void Complete_library_passes_the_structural_check()
    {
        Assert.Null(SharedLibraryFile.FindProblem(RepositoryPaths.OnnxRuntimeX64));
    }

    [Fact]
    public void Truncated_library_is_refused_by_the_structural_check_without_a_manifest()
    {
        using var folder = new TempFolder();
        var copy = Path.Combine(folder.Path, "libonnxruntime.so");
        var bytes = File.ReadAllBytes(RepositoryPaths.OnnxRuntimeX64);
        File.WriteAllBytes(copy, bytes[..(bytes.Length / 2)]);

        var problem = SharedLibraryFile.FindProblem(copy);

        Assert.NotNull(problem);
        Assert.Contains(copy, problem, StringComparison.Ordinal);
        Assert.Contains("truncated", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_accepts_the_listed_file_and_names_a_changed_or_unlisted_one()
    {
        using var folder = new TempFolder();
        var library = folder.File("runtimes/linux-x64/native/libonnxruntime.so", [1, 2, 3, 4]);
        var other = folder.File("runtimes/linux-x64/native/other.so", [5]);
        File.WriteAllText(Path.Combine(folder.Path, NativeLibraryManifest.FileName), NativeLibraryManifest.Format(
            [KeyValuePair.Create("runtimes/linux-x64/native/libonnxruntime.so", NativeLibraryManifest.HashFile(library))]));
        var manifest = NativeLibraryManifest.TryRead(folder.Path)!;

        Assert.Null(manifest.Check(folder.Path, library));
        Assert.Contains("not listed", manifest.Check(folder.Path, other), StringComparison.Ordinal);
        File.WriteAllBytes(library, [1, 2, 3]);
        var changed = manifest.Check(folder.Path, library);
        Assert.Contains(library, changed, StringComparison.Ordinal);
        Assert.Contains("3 bytes", changed, StringComparison.Ordinal);
        File.Delete(library);
        Assert.Contains("missing", manifest.Check(folder.Path, library), StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_the_manifest_is_malformed()
    {
        using var folder = new TempFolder();
        folder.File(NativeLibraryManifest.FileName, "not a manifest line\n"u8.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => NativeLibraryManifest.TryRead(folder.Path));

        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }
}
