namespace EdgeMlOps.QualityGates.ApiModels;

/// <summary>
/// The one place where the three spellings of an AWS service meet:
/// the Step Functions ARN name (<c>arn:aws:states:::aws-sdk:&lt;name&gt;:...</c>, the SDK client name lowercased),
/// the <c>metadata.json</c> key of the JavaScript SDK v2 models, and the IAM action prefix.
/// Names not listed map to themselves (ARN name = metadata key) and to the model's signing name (IAM prefix).
/// </summary>
public static class AwsServiceNames
{
    // Step Functions ARN name -> metadata.json key, where the two SDKs named the client differently.
    private static readonly Dictionary<string, string> s_modelKeys = new(StringComparer.Ordinal)
    {
        ["sfn"] = "stepfunctions",
        ["iotdataplane"] = "iotdata",
        ["cognitoidentityprovider"] = "cognitoidentityserviceprovider",
        ["elasticloadbalancingv2"] = "elbv2",
        ["elasticloadbalancing"] = "elb",
        ["transcribe"] = "transcribeservice",
    };

    // Step Functions ARN name -> IAM prefix, where the model's signing name is not the IAM prefix (or is absent).
    private static readonly Dictionary<string, string> s_iamPrefixes = new(StringComparer.Ordinal)
    {
        ["sfn"] = "states",
        ["eventbridge"] = "events",
        ["cloudwatchevents"] = "events",
        ["cloudwatch"] = "cloudwatch",
        ["cloudwatchlogs"] = "logs",
        ["greengrassv2"] = "greengrass",
        ["sagemakerfeaturestoreruntime"] = "sagemaker",
        ["sagemakerruntime"] = "sagemaker",
        ["iotdataplane"] = "iot",
        ["iotdata"] = "iot",
        ["elasticloadbalancingv2"] = "elasticloadbalancing",
    };

    // (ARN name, operation) -> IAM actions, where an API operation is authorized by differently named actions.
    private static readonly Dictionary<(string Service, string Operation), string[]> s_operationActions = new()
    {
        [("s3", "HeadObject")] = ["s3:GetObject"],
        [("s3", "HeadBucket")] = ["s3:ListBucket"],
        [("s3", "ListObjects")] = ["s3:ListBucket"],
        [("s3", "ListObjectsV2")] = ["s3:ListBucket"],
        [("s3", "ListObjectVersions")] = ["s3:ListBucketVersions"],
        [("s3", "CopyObject")] = ["s3:GetObject", "s3:PutObject"],
        [("s3", "DeleteObjects")] = ["s3:DeleteObject"],
        [("s3", "GetObjectAttributes")] = ["s3:GetObject"],
        [("lambda", "Invoke")] = ["lambda:InvokeFunction"],
    };

    /// <summary>The metadata.json key for a Step Functions ARN service name.</summary>
    public static string ModelKey(string arnService) => s_modelKeys.GetValueOrDefault(arnService, arnService);

    /// <summary>The IAM prefix for a Step Functions ARN service name; <paramref name="model"/> supplies the default.</summary>
    public static string IamPrefix(string arnService, ServiceModel? model) =>
        s_iamPrefixes.GetValueOrDefault(arnService) ?? model?.SigningName ?? arnService;

    /// <summary>The IAM actions an SDK call needs: <c>prefix:Operation</c> unless the table says otherwise.</summary>
    public static IReadOnlyList<string> IamActions(string arnService, string operation, ServiceModel? model) =>
        s_operationActions.TryGetValue((arnService, operation), out var actions)
            ? actions
            : [$"{IamPrefix(arnService, model)}:{operation}"];
}
