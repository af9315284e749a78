using EdgeMlOps.QualityGates.ApiModels;
using EdgeMlOps.QualityGates.Asl;

namespace EdgeMlOps.QualityGates.Iam;

/// <summary>An IAM action a state machine's role needs, and the task that needs it.</summary>
public sealed record RequiredAction(string Action, string Task);

/// <summary>
/// Derives the IAM actions a definition's tasks call: <c>iamPrefix:Operation</c> for AWS SDK tasks, the
/// documented actions for optimized integrations (plus their <c>.sync</c> extras) and
/// <c>lambda:InvokeFunction</c> for a Lambda ARN used directly as the Resource.
/// </summary>
public sealed class RequiredActions(ApiModelCatalog catalog)
{
    /// <summary>
    /// What every state machine role may hold without a task asking for it: execution logging to CloudWatch
    /// Logs (log delivery management) and X-Ray tracing, as Step Functions documents for logging and tracing.
    /// </summary>
    public static readonly IReadOnlyList<string> LoggingAndTracing =
    [
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
        "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
    ];

    /// <summary>Using a KMS key of an encrypted resource the tasks touch (a topic, a bucket, a queue).</summary>
    public static readonly IReadOnlyList<string> KmsUse = ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKey*"];

    /// <summary>The actions, or an error message when a task's integration is not known.</summary>
    public IEnumerable<(RequiredAction? Action, string? Error)> For(IEnumerable<AslTask> tasks)
    {
        foreach (var task in tasks)
        {
            var integration = task.Integration;
            switch (integration.Kind)
            {
                case IntegrationKind.AwsSdk:
                    var operation = char.ToUpperInvariant(integration.Action[0]) + integration.Action[1..];
                    var model = catalog.Find(AwsServiceNames.ModelKey(integration.Service));
                    foreach (var action in AwsServiceNames.IamActions(integration.Service, operation, model))
                    {
                        yield return (new RequiredAction(action, task.Path), null);
                    }

                    break;
                case IntegrationKind.Optimized:
                    var optimized = OptimizedIntegrations.Find(integration.ServiceAndAction);
                    if (optimized is null)
                    {
                        yield return (null, $"task {task.Path}: {task.Resource} is not a known optimized integration, so its actions are unknown");
                        break;
                    }

                    var sync = integration.Pattern.StartsWith("sync", StringComparison.Ordinal);
                    foreach (var action in sync ? [.. optimized.Actions, .. optimized.SyncActions] : optimized.Actions)
                    {
                        yield return (new RequiredAction(action, task.Path), null);
                    }

                    break;
                case IntegrationKind.LambdaFunction:
                    yield return (new RequiredAction("lambda:InvokeFunction", task.Path), null);
                    break;
                case IntegrationKind.Activity:
                    break;
            }
        }
    }
}
