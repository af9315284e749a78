using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Testing;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

/// <summary>
/// An S3 client for s3rver that performs CopyObject as GetObject + PutObject. s3rver 3.7.1 reads the
/// x-amz-copy-source header with decodeURI, which leaves the "%2F" the AWS SDK sends for '/' encoded, so it
/// looks for a bucket named after the whole source and fails. Real S3 accepts the header as sent.
/// </summary>
internal sealed class CopyAsGetPutClient : AmazonS3Client
{
    public CopyAsGetPutClient(string endpointUrl)
        : base(new BasicAWSCredentials(S3rverServer.AccessKey, S3rverServer.AccessKey), new AmazonS3Config
        {
            ServiceURL = endpointUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        })
    {
    }

    public int Copies { get; private set; }

    public override async Task<CopyObjectResponse> CopyObjectAsync(CopyObjectRequest request, CancellationToken cancellationToken = default)
    {
        using var source = await GetObjectAsync(request.SourceBucket, request.SourceKey, cancellationToken);
        using var buffer = new MemoryStream();
        await source.ResponseStream.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        await PutObjectAsync(new PutObjectRequest { BucketName = request.DestinationBucket, Key = request.DestinationKey, InputStream = buffer }, cancellationToken);
        lock (this)
        {
            Copies++;
        }

        return new CopyObjectResponse();
    }
}
