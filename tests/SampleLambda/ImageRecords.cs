namespace SampleLambda;

/// <summary>Input of <see cref="ScoreImagesFunction"/>.</summary>
public sealed record ScoreRequest(IReadOnlyList<string> Images, double Threshold);

/// <summary>Output of <see cref="ScoreImagesFunction"/>.</summary>
public sealed record ScoreResult(int Accepted, int Rejected, string? OutputBucket);

/// <summary>Input of <see cref="TagImageFunction"/>.</summary>
public sealed record TagRequest(string Image);

/// <summary>Output of <see cref="TagImageFunction"/>.</summary>
public sealed record TagResult(string Image, string Tag);
