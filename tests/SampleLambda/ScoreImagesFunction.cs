using System.Text.Json;

namespace SampleLambda;

/// <summary>
/// Async handler: counts images whose score (a pure function of the name) reaches the threshold.
/// Fails with InvalidOperationException when there are no images, so state machines can Catch it.
/// </summary>
public static class ScoreImagesFunction
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Handler: <c>SampleLambda::SampleLambda.ScoreImagesFunction::HandleAsync</c>.</summary>
    public static async Task<Stream> HandleAsync(Stream input)
    {
        var request = await JsonSerializer.DeserializeAsync<ScoreRequest>(input, s_json)
            ?? throw new ArgumentException("The payload is empty.");
        var result = Score(request, Environment.GetEnvironmentVariable("OUTPUT_BUCKET"));
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, result, s_json);
        output.Position = 0;
        return output;
    }

    /// <summary>The pure core.</summary>
    public static ScoreResult Score(ScoreRequest request, string? outputBucket)
    {
        if (request.Images is not { Count: > 0 })
        {
            throw new InvalidOperationException("There are no images to score.");
        }

        var accepted = request.Images.Count(image => ScoreOf(image) >= request.Threshold);
        return new ScoreResult(accepted, request.Images.Count - accepted, outputBucket);
    }

    // Deterministic: the fraction of digits in the name, so tests can choose names that pass or fail.
    private static double ScoreOf(string image) => image.Length == 0 ? 0 : (double)image.Count(char.IsDigit) / image.Length;
}
