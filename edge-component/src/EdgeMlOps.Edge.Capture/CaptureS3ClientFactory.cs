using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace EdgeMlOps.Edge.Capture;

/// <summary>
/// Builds the S3 client of the uploader. On a Greengrass device the token exchange service publishes credentials
/// through <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>, which
/// <see cref="GenericContainerCredentials"/> reads; elsewhere the SDK's default chain applies.
/// </summary>
public static class CaptureS3ClientFactory
{
    public const string ContainerCredentialsUriVariable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

    /// <param name="region">The bucket's region, e.g. "eu-west-1".</param>
    /// <param name="serviceUrl">An S3-compatible endpoint for tests. Default: null, the real S3 endpoint of <paramref name="region"/>.</param>
    public static IAmazonS3 Create(string region, string? serviceUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var config = new AmazonS3Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }

        return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ContainerCredentialsUriVariable))
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new GenericContainerCredentials(), config);
    }
}
