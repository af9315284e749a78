using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Testing;
using Xunit;

namespace StateMachineHarness.Tests;

public sealed class S3rverServerTests
{
    [Fact]
    public async Task Lists_more_than_one_thousand_objects_across_pages()
    {
        await using var server = new S3rverServer();
        await server.StartAsync();
        await server.CreateBucketsAsync("many-objects");
        using var client = server.CreateClient();
        const int objectCount = 1_050;

        // Bounded parallelism: the server is a single node process.
        await Parallel.ForEachAsync(Enumerable.Range(0, objectCount), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await client.PutObjectAsync(
                new PutObjectRequest { BucketName = "many-objects", Key = $"images/{i:D5}.txt", ContentBody = $"object {i}" }, ct));

        var keys = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = "many-objects", Prefix = "images/", ContinuationToken = token });
            pages++;
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        Assert.Equal(2, pages);
        Assert.Equal(Enumerable.Range(0, objectCount).Select(i => $"images/{i:D5}.txt"), keys);
    }

    [Fact]
    public async Task Serves_the_same_objects_on_the_same_port_after_a_restart()
    {
        await using var server = new S3rverServer();
        await server.StartAsync();
        await server.CreateBucketsAsync("restart");
        using var client = server.CreateClient(c => c.MaxErrorRetry = 0);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "restart", Key = "a.json", ContentBody = "{\"a\":1}" });
        var endpointBefore = server.EndpointUrl;

        await server.StopAsync();
        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetObjectAsync("restart", "a.json"));

        await server.StartAsync();
        Assert.True(server.IsRunning);
        Assert.Equal(endpointBefore, server.EndpointUrl);
        using var response = await client.GetObjectAsync("restart", "a.json");
        using var reader = new StreamReader(response.ResponseStream);
        Assert.Equal("{\"a\":1}", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Reports_a_missing_key_as_NoSuchKey()
    {
        await using var server = new S3rverServer();
        await server.StartAsync();
        await server.CreateBucketsAsync("missing");
        using var client = server.CreateClient();

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.GetObjectAsync("missing", "nope"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("NoSuchKey", error.ErrorCode);
    }

    [Fact]
    public async Task Deletes_objects_in_a_batch()
    {
        await using var server = new S3rverServer();
        await server.StartAsync();
        await server.CreateBucketsAsync("batch");
        using var client = server.CreateClient();
        foreach (var key in new[] { "x", "y", "z" })
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = "batch", Key = key, ContentBody = key });
        }

        await client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = "batch",
            Objects = [new KeyVersion { Key = "x" }, new KeyVersion { Key = "y" }],
        });

        var left = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "batch" });
        Assert.Equal(["z"], left.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_second_server_on_a_given_folder_serves_what_the_first_stored()
    {
        var directory = Directory.CreateTempSubdirectory("s3rver-kept-").FullName;
        try
        {
            await using (var first = S3rverServer.Create(dataDirectory: directory))
            {
                await first.StartAsync();
                await first.CreateBucketsAsync("kept");
                using var client = first.CreateClient();
                await client.PutObjectAsync(new PutObjectRequest { BucketName = "kept", Key = "k.txt", ContentBody = "kept" });
            }

            await using var second = S3rverServer.Create(dataDirectory: directory);
            await second.StartAsync();
            using var secondClient = second.CreateClient();
            using var response = await secondClient.GetObjectAsync("kept", "k.txt");
            using var reader = new StreamReader(response.ResponseStream);

            Assert.Equal("kept", await reader.ReadToEndAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Deletes_its_temporary_data_folder_on_dispose()
    {
        var server = new S3rverServer();
        await server.StartAsync();
        var directory = server.DataDirectory;

        await server.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(server.IsRunning);
    }
}
