using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeMlOps.Cdk.ModelTraining;

/// <summary>
/// Packs the training scripts as <c>sourcedir.tar.gz</c>, the form SageMaker script mode downloads and unpacks.
/// The archive is byte-for-byte the same for the same scripts (sorted entries, fixed times and owners), so the
/// asset hash, and with it the pipeline definition, only changes when a script changes.
/// </summary>
public static class SourceDirArchive
{
    /// <summary>
    /// Files packed from <c>cdk/ModelTraining/scripts</c>; tests stay out of the container, and so does
    /// requirements.txt: script mode would pip-install it at start, but the jobs have no network and their image
    /// (<see cref="TrainingImage"/>) already holds those pinned packages.
    /// </summary>
    public static readonly IReadOnlyList<string> Files = ["evaluate.py", "train.py", "yolo_helpers.py"];

    public const string ScriptsDirectory = "cdk/ModelTraining/scripts";

    /// <summary>Writes the archive below <c>.build/training-sourcedir/</c> and returns its path.</summary>
    public static string Build(string repositoryRoot)
    {
        var scripts = Path.Combine(repositoryRoot, ScriptsDirectory);
        var output = Path.Combine(repositoryRoot, ".build", "training-sourcedir");
        Directory.CreateDirectory(output);
        var archive = Path.Combine(output, "sourcedir.tar.gz");
        var bytes = Pack(scripts);
        if (!File.Exists(archive) || !File.ReadAllBytes(archive).AsSpan().SequenceEqual(bytes))
        {
            File.WriteAllBytes(archive, bytes);
        }

        return archive;
    }

    public static byte[] Pack(string scriptsDirectory)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var name in Files.Order(StringComparer.Ordinal))
            {
                var path = Path.Combine(scriptsDirectory, name);
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"Training script {name} is missing from {scriptsDirectory}", path);
                }

                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 0,
                    Gid = 0,
                    DataStream = new MemoryStream(File.ReadAllBytes(path)),
                };
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }
}
