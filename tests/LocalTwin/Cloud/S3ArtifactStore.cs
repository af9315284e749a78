using Amazon.S3;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;
using EdgeMlOps.LocalTwin.Device;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>Artifacts at <c>s3://bucket/key</c> URIs, downloaded from the local S3 server.</summary>
public sealed class S3ArtifactStore(IAmazonS3 s3) : IArtifactStore
{
    public async Task DownloadAsync(string uri, string destinationFile, CancellationToken cancellationToken)
    {
        var (bucket, key) = S3Uri.Parse(uri);
        using var response = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        await using var file = File.Create(destinationFile);
        await response.ResponseStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
    }
}
