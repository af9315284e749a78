using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeMlOps.Labeling.Common;

/// <summary>JSON objects in S3 and JSON Lambda inputs, with the Lambdas' camelCase conventions.</summary>
public static class S3Json
{
    public static async Task<T> ReadRequestAsync<T>(Stream input)
        where T : class =>
        await JsonSerializer.DeserializeAsync<T>(input, LambdaJson.Options).ConfigureAwait(false)
            ?? throw new ArgumentException($"The input is not a {typeof(T).Name}");

    public static async Task PutAsync<T>(IAmazonS3 s3, string bucket, string key, T value, CancellationToken cancellationToken = default)
    {
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = JsonSerializer.Serialize(value, LambdaJson.Options),
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<T> GetAsync<T>(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken = default)
        where T : class
    {
        using var response = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<T>(response.ResponseStream, LambdaJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"s3://{bucket}/{key} holds null");
    }
}
