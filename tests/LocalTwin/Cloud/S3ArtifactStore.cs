using Amazon.S3;
using EdgeMlOps.LocalTwin.Device;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>Artifacts at <c>s3://bucket/key</c> URIs, downloaded from the local S3 server.</summary>
public sealed class S3ArtifactStore(IAmazonS3 s3) : IArtifactStore
{
    public async Task DownloadAsync(string uri, string destinationFile, CancellationToken cancellationToken)
    {
        var (bucket, key) = Split(uri);
        using var response = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        await using var file = File.Create(destinationFile);
        await response.ResponseStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Bucket and key of an <c>s3://bucket/key</c> URI.</summary>
    /// <exception cref="ArgumentException">Not an S3 URI with a key.</exception>
    public static (string Bucket, string Key) Split(string uri)
    {
        const string Scheme = "s3://";
        var slash = uri.StartsWith(Scheme, StringComparison.Ordinal) ? uri.IndexOf('/', Scheme.Length) : -1;
        return slash < 0 || slash == uri.Length - 1
            ? throw new ArgumentException($"Not an S3 object URI: '{uri}'", nameof(uri))
            : (uri[Scheme.Length..slash], uri[(slash + 1)..]);
    }
}
