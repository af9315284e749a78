using System.Formats.Tar;
using System.IO.Compression;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Stage;

public sealed class SourceDirArchiveTests
{
    private static readonly string Scripts = RepositoryRoot.Combine("cdk", "ModelTraining", "scripts");

    [Fact]
    public void Packs_the_scripts_without_the_tests_or_the_requirements_the_image_already_holds()
    {
        using var gzip = new GZipStream(new MemoryStream(SourceDirArchive.Pack(Scripts)), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["evaluate.py", "train.py", "yolo_helpers.py"], names);
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

public sealed class TrainingImageTagTests
{
    private static readonly byte[] Dockerfile = "FROM x"u8.ToArray();
    private static readonly byte[] Requirements = "ultralytics==8.3.40"u8.ToArray();

    [Fact]
    public void Tag_changes_with_the_dockerfile_the_requirements_or_the_base_image()
    {
        var tag = TrainingImage.ContentTag(Dockerfile, Requirements, "base:1");
        Assert.Equal(tag, TrainingImage.ContentTag(Dockerfile, Requirements, "base:1"));
        Assert.NotEqual(tag, TrainingImage.ContentTag("FROM y"u8.ToArray(), Requirements, "base:1"));
        Assert.NotEqual(tag, TrainingImage.ContentTag(Dockerfile, "ultralytics==8.3.41"u8.ToArray(), "base:1"));
        Assert.NotEqual(tag, TrainingImage.ContentTag(Dockerfile, Requirements, "base:2"));
        Assert.NotEqual(tag, TrainingImage.ContentTag("FROM xu"u8.ToArray(), "ltralytics==8.3.40"u8.ToArray(), "base:1"));
    }

    [Fact]
    public void Dockerfile_builds_on_the_base_image_and_installs_the_pinned_requirements()
    {
        var dockerfile = File.ReadAllText(RepositoryRoot.Combine("cdk", "ModelTraining", "image", "Dockerfile"));
        Assert.Contains("FROM ${BASE_IMAGE}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("pip install --no-cache-dir -r /opt/edgemlops/requirements.txt", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY requirements.txt", dockerfile, StringComparison.Ordinal);
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
