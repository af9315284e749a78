namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>The four AWS-owned Ground Truth Lambda ARNs a bounding-box job and its verification job need in one region.</summary>
public sealed record GroundTruthLambdaArns(
    string BoundingBoxPreHumanTask,
    string BoundingBoxConsolidation,
    string VerificationPreHumanTask,
    string VerificationConsolidation);

/// <summary>
/// Ground Truth's built-in pre-annotation and consolidation Lambdas live in an AWS account that differs per region
/// (SageMaker API reference, HumanTaskConfig.PreHumanTaskLambdaArn and AnnotationConsolidationConfig). One table, so
/// a region Ground Truth does not serve fails the synth instead of the first labeling job.
/// </summary>
public static class GroundTruthBuiltInLambdas
{
    /// <summary>Region to the AWS account that owns the built-in functions there.</summary>
    public static IReadOnlyDictionary<string, string> AccountByRegion { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["us-east-1"] = "432418664414",
        ["us-east-2"] = "266458841044",
        ["us-west-2"] = "081040173940",
        ["ca-central-1"] = "918755190332",
        ["eu-west-1"] = "568282634449",
        ["eu-west-2"] = "487402164563",
        ["eu-central-1"] = "203001061592",
        ["ap-northeast-1"] = "477331159723",
        ["ap-northeast-2"] = "845288260483",
        ["ap-south-1"] = "565803892007",
        ["ap-southeast-1"] = "377565633583",
        ["ap-southeast-2"] = "454466003867",
    };

    /// <exception cref="ArgumentException">Ground Truth has no built-in functions in <paramref name="region"/>.</exception>
    public static GroundTruthLambdaArns For(string region)
    {
        if (!AccountByRegion.TryGetValue(region, out var account))
        {
            throw new ArgumentException(
                $"SageMaker Ground Truth has no built-in bounding-box Lambdas in region '{region}'; the labeling app can be deployed to: {string.Join(", ", AccountByRegion.Keys)}.",
                nameof(region));
        }

        string Arn(string function) => $"arn:aws:lambda:{region}:{account}:function:{function}";
        return new GroundTruthLambdaArns(
            Arn("PRE-BoundingBox"),
            Arn("ACS-BoundingBox"),
            Arn("PRE-VerificationBoundingBox"),
            Arn("ACS-VerificationBoundingBox"));
    }
}
