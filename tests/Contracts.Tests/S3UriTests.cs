using EdgeMlOps.Contracts;

namespace Contracts.Tests;

public sealed class S3UriTests
{
    [Theory]
    [InlineData("s3://bucket/key.jpg", "bucket", "key.jpg")]
    [InlineData("s3://my.bucket-1/images/captured/cam-1/2026/01/03/abc.jpg", "my.bucket-1", "images/captured/cam-1/2026/01/03/abc.jpg")]
    [InlineData("s3://bucket/folder/", "bucket", "folder/")]
    [InlineData("s3://${AssetsBucket}/${TrainingScriptsAssetKey}", "${AssetsBucket}", "${TrainingScriptsAssetKey}")]
    [InlineData("s3://bucket/a b/ü.jpg", "bucket", "a b/ü.jpg")]
    public void Parses_bucket_and_key(string text, string bucket, string key)
    {
        var uri = S3Uri.Parse(text);

        Assert.Equal((bucket, key), (uri.Bucket, uri.Key));
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData(null, "must start with s3://")]
    [InlineData("", "must start with s3://")]
    [InlineData("https://bucket/key", "must start with s3://")]
    [InlineData("S3://bucket/key", "must start with s3://")]
    [InlineData("s3://", "the bucket is empty")]
    [InlineData("s3:///key", "the bucket is empty")]
    [InlineData("s3://bucket", "the key after the bucket is empty")]
    [InlineData("s3://bucket/", "the key after the bucket is empty")]
    [InlineData("s3://buck et/key", "the bucket contains")]
    public void Fails_with_a_message_naming_the_text_and_the_problem(string? text, string problem)
    {
        Assert.False(S3Uri.TryParse(text, out _, out var error));
        var thrown = Assert.Throws<FormatException>(() => S3Uri.Parse(text));

        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Equal(error, thrown.Message);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_to_construct_from_an_empty_key()
    {
        var error = Assert.Throws<ArgumentException>(() => new S3Uri("bucket", ""));

        Assert.Contains("the key after the bucket is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://b/images/a.jpg", "images/", "a.jpg")]
    [InlineData("s3://b/a.jpg", "", "a.jpg")]
    [InlineData("s3://b/images/", "images/", "")]
    public void Splits_the_key_into_folder_and_file_name(string text, string folder, string fileName)
    {
        var uri = S3Uri.Parse(text);

        Assert.Equal((folder, fileName), (uri.KeyFolder, uri.FileName));
    }
}
