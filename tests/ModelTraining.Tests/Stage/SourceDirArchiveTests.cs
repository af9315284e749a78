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

public sealed class ImageRepositoryArnTests
{
    [Fact]
    public void Derives_the_repository_arn_from_a_tagged_or_digest_image_uri()
    {
        Assert.Equal("arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-training",
            TrainingPipelineRole.ImageRepositoryArn("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311", "aws"));
        Assert.Equal("arn:aws:ecr:us-east-1:123456789012:repository/team/yolo",
            TrainingPipelineRole.ImageRepositoryArn("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/yolo@sha256:" + new string('a', 64), "aws"));
    }

    [Fact]
    public void Fails_if_the_image_is_not_in_ecr()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingPipelineRole.ImageRepositoryArn("docker.io/ultralytics/ultralytics:8.3.40", "aws"));
        Assert.Contains("ContainerImageUri", error.Message, StringComparison.Ordinal);
    }
}
