using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace SampleLambda;

/// <summary>Input of <see cref="CountObjectsFunction"/>.</summary>
public sealed record CountRequest(string Prefix);

/// <summary>Output of <see cref="CountObjectsFunction"/>.</summary>
public sealed record CountResult(string Bucket, string Prefix, int Count);

/// <summary>
/// Counts the objects under a prefix of the DATA_BUCKET bucket. The S3 client is configured only from the
/// environment (AWS_ENDPOINT_URL_S3, credentials, region), as a deployed Lambda's would be.
/// </summary>
public static class CountObjectsFunction
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Handler: <c>SampleLambda::SampleLambda.CountObjectsFunction::HandleAsync</c>.</summary>
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await JsonSerializer.DeserializeAsync<CountRequest>(input, s_json)
            ?? throw new ArgumentException("The payload is empty.");
        var bucket = Environment.GetEnvironmentVariable("DATA_BUCKET")
            ?? throw new InvalidOperationException("DATA_BUCKET is not set.");
        using var s3 = new AmazonS3Client();
        var count = 0;
        var listing = new ListObjectsV2Request { BucketName = bucket, Prefix = request.Prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(listing);
            count += page.S3Objects?.Count ?? 0;
            listing.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (listing.ContinuationToken is not null);

        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new CountResult(bucket, request.Prefix, count), s_json));
    }
}
