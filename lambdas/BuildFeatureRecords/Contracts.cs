using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.BuildFeatureRecords;

/// <summary>One record to write: the image it describes and its feature values, ready for <c>PutRecord</c>.</summary>
public sealed record FeatureRecordItem(string SourceRef, IReadOnlyList<FeatureValue> Record);

/// <summary>A chunk file: up to the configured number of records.</summary>
public sealed record FeatureRecordChunk(IReadOnlyList<FeatureRecordItem> Records);

/// <summary>Input of <see cref="BuildHandler"/>.</summary>
/// <param name="OutputManifestUri">Output manifest of the last job that ran (verification if enabled, else labeling).</param>
/// <param name="Verified">True when <paramref name="OutputManifestUri"/> comes from the verification job.</param>
/// <param name="LabelingJobName">The labeling job; also names the run's folder.</param>
public sealed record BuildRequest(string OutputManifestUri, bool Verified, string LabelingJobName);

/// <summary>One line of the chunk list the workflow's Distributed Map reads (its ItemReader, a JSON array).</summary>
public sealed record ChunkListItem(string ChunkKey);

/// <summary>
/// Result of <see cref="BuildHandler"/>: where the chunk list is (in the data bucket) and counts, never the records
/// or the chunk keys, so the result stays the same size for a job of any size.
/// </summary>
public sealed record BuildResult(
    string RunPrefix,
    string ChunkListKey,
    int ChunkCount,
    int RecordCount,
    int ApprovedCount,
    int RejectedCount,
    SkipReport Skipped);

public sealed record LoadChunkRequest(string ChunkKey);

/// <summary>Outcome of one <c>PutRecord</c> inside the Map state.</summary>
public sealed record PutOutcome(string SourceRef, bool Written, string? Error, string? Cause);

public sealed record ChunkOutcomeRequest(string ChunkKey, IReadOnlyList<PutOutcome> Results);

public sealed record ChunkOutcomeResult(int Written, int Failed);

public sealed record SummarizeRequest(string RunPrefix);

/// <summary>Totals of a run; <paramref name="FailuresUri"/> lists every record that was not written.</summary>
public sealed record SummarizeResult(int WrittenCount, int FailedCount, string? FailuresUri, IReadOnlyList<PutOutcome> FailureExamples);

/// <summary>Settings from the environment, set by the CDK stage from the config.</summary>
public sealed record BuildSettings(
    string Bucket,
    string RecordsPrefix,
    string LabelAttributeName,
    string VerificationAttributeName,
    string ApprovingVerificationClass,
    int ClassCount,
    int ChunkSize)
{
    public static BuildSettings FromEnvironment() => new(
        LambdaEnvironment.Required("DATA_BUCKET"),
        LambdaEnvironment.Required("RECORDS_PREFIX"),
        LambdaEnvironment.Required("LABEL_ATTRIBUTE_NAME"),
        LambdaEnvironment.Required("VERIFICATION_ATTRIBUTE_NAME"),
        LambdaEnvironment.Required("APPROVING_VERIFICATION_CLASS"),
        LambdaEnvironment.RequiredInt("CLASS_COUNT"),
        LambdaEnvironment.RequiredInt("CHUNK_SIZE"));
}
