namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>The fixed account and region every fake identifier in local tests is built from.</summary>
public static class FakeAws
{
    /// <summary>Value of <c>AWS::Region</c>.</summary>
    public const string Region = "us-east-1";

    /// <summary>Value of <c>AWS::AccountId</c>.</summary>
    public const string AccountId = "111111111111";

    /// <summary>Value of <c>AWS::Partition</c>.</summary>
    public const string Partition = "aws";

    /// <summary>Value of <c>AWS::URLSuffix</c>.</summary>
    public const string UrlSuffix = "amazonaws.com";

    /// <summary>Value of <c>AWS::StackName</c>.</summary>
    public const string StackName = "LocalTestStack";

    /// <summary>Builds <c>arn:aws:&lt;service&gt;:us-east-1:111111111111:&lt;resource&gt;</c>.</summary>
    public static string Arn(string service, string resource) =>
        $"arn:{Partition}:{service}:{Region}:{AccountId}:{resource}";

    /// <summary>The ARN of a Lambda function with this name.</summary>
    public static string LambdaFunctionArn(string functionName) => Arn("lambda", $"function:{functionName}");
}
