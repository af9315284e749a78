using System.Text.Json;
using Amazon.S3;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// Lambda entry point (<c>PrepareYoloDataset::EdgeMlOps.Lambdas.PrepareYoloDataset.Handler::HandleAsync</c>):
/// JSON in, JSON out, the work done by <see cref="DatasetWriter"/> and <see cref="DatasetPlanner"/>.
/// </summary>
public static class Handler
{
    /// <summary>Overrides the S3 endpoint (path-style), so tests can point the function at a local S3.</summary>
    public const string EndpointVariable = "PREPARE_DATASET_S3_ENDPOINT";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await JsonSerializer.DeserializeAsync<PrepareRequest>(input, JsonOptions)
            ?? throw new ArgumentException("the event is empty");
        using var s3 = CreateClient();
        var response = await new DatasetWriter(s3).PrepareAsync(request);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response);
        output.Position = 0;
        return output;
    }

    public static IAmazonS3 CreateClient()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        return string.IsNullOrEmpty(endpoint)
            ? new AmazonS3Client()
            : new AmazonS3Client(new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true });
    }
}
