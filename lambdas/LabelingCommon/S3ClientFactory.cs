using Amazon.S3;

namespace EdgeMlOps.Labeling.Common;

/// <summary>
/// Creates the S3 client of a Lambda. In AWS it is the SDK default; when <c>AWS_ENDPOINT_URL_S3</c> is set (tests
/// against a local S3-compatible server) requests go there with path-style addressing.
/// </summary>
public static class S3ClientFactory
{
    public const string EndpointVariable = "AWS_ENDPOINT_URL_S3";

    public static IAmazonS3 Create()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrEmpty(endpoint))
        {
            return new AmazonS3Client();
        }

        var config = new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1",
        };
        return new AmazonS3Client(config);
    }
}
