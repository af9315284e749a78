using System.Text.RegularExpressions;

namespace EdgeMlOps.QualityGates.Asl;

public enum IntegrationKind
{
    /// <summary><c>arn:aws:states:::aws-sdk:&lt;service&gt;:&lt;action&gt;</c>.</summary>
    AwsSdk,

    /// <summary><c>arn:aws:states:::&lt;service&gt;:&lt;action&gt;</c>.</summary>
    Optimized,

    /// <summary>A Lambda function ARN (or a <c>${Placeholder}</c> standing for one) called directly.</summary>
    LambdaFunction,

    /// <summary>A Step Functions activity, polled by workers; the state machine role needs nothing for it.</summary>
    Activity,
}

/// <summary>
/// What a Task's <c>Resource</c> calls: kind, service, action and pattern (<c>sync</c>, <c>sync:2</c>,
/// <c>waitForTaskToken</c>, or empty for request-response).
/// </summary>
public sealed partial record TaskIntegration(IntegrationKind Kind, string Service, string Action, string Pattern)
{
    /// <summary><c>service:action</c>, the key of an optimized integration.</summary>
    public string ServiceAndAction => $"{Service}:{Action}";

    public static TaskIntegration Parse(string resource)
    {
        var match = IntegrationArn().Match(resource);
        if (!match.Success)
        {
            return resource.Contains(":activity:", StringComparison.Ordinal)
                ? new TaskIntegration(IntegrationKind.Activity, "states", "", "")
                : new TaskIntegration(IntegrationKind.LambdaFunction, "lambda", "", "");
        }

        var kind = match.Groups["sdk"].Success ? IntegrationKind.AwsSdk : IntegrationKind.Optimized;
        return new TaskIntegration(kind, match.Groups["service"].Value, match.Groups["action"].Value, match.Groups["pattern"].Value);
    }

    [GeneratedRegex(@"^arn:(?:aws|aws-cn|aws-us-gov|\$\{[A-Za-z0-9_:]+\}):states:::(?<sdk>aws-sdk:)?(?<service>[^:.]+):(?<action>[^.]+)(?:\.(?<pattern>.+))?$")]
    private static partial Regex IntegrationArn();
}
