using System.Formats.Tar;
using System.IO.Compression;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

public sealed class SourceDirArchiveTests
{
    private static readonly string Scripts = RepositoryRoot.Combine("cdk", "ModelTraining", "scripts");

    [Fact]
    public void Packs_the_scripts_and_requirements_without_the_tests()
    {
        using var gzip = new GZipStream(new MemoryStream(SourceDirArchive.Pack(Scripts)), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["evaluate.py", "requirements.txt", "train.py", "yolo_helpers.py"], names);
    }

    [Fact]
    public void Is_byte_for_byte_the_same_for_the_same_scripts()
    {
        Assert.Equal(SourceDirArchive.Pack(Scripts), SourceDirArchive.Pack(Scripts));
    }

    [Fact]
    public void Pins_ultralytics_to_one_version()
    {
        var requirements = File.ReadAllLines(Path.Combine(Scripts, "requirements.txt")).Where(l => !l.StartsWith('#') && l.Length > 0).ToList();
        Assert.Contains(requirements, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ultralytics==\d+\.\d+\.\d+$"));
        Assert.All(requirements, l => Assert.Contains("==", l, StringComparison.Ordinal));
    }
}
