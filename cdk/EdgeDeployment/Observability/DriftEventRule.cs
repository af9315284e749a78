using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.Logs;
using Constructs;
using EdgeMlOps.Cdk.EdgeDeployment.Fleet;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.EdgeDeployment.Observability;

public sealed record DriftEventRuleProps
{
    /// <summary>The component topics; the rule listens on every device's health topic. Required.</summary>
    public required ComponentTopics Topics { get; init; }

    /// <summary>The training app's drift events table name (from the SSM contract). Required.</summary>
    public required string DriftEventsTableName { get; init; }

    /// <summary>Log group for the rule's failed writes. Required.</summary>
    public required ILogGroup ErrorLog { get; init; }
}

/// <summary>
/// Records drift events in the cloud: an IoT rule over the devices' health messages that writes, for every message
/// whose <c>drift.drifted</c> is true, the device's latest drift event (<see cref="DriftEventsSchema"/>: named
/// fields only) into the training app's drift events table, where a later LabelsUpdated event finds it and
/// retrains with reason drift.
/// </summary>
public sealed class DriftEventRule : Construct
{
    public DriftEventRule(Construct scope, string id, DriftEventRuleProps props)
        : base(scope, id)
    {
        var stack = Stack.Of(this);
        var tableArn = stack.FormatArn(new ArnComponents { Service = "dynamodb", Resource = "table", ResourceName = props.DriftEventsTableName });
        var role = new Role(this, "RuleRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the drift event rule write a device's latest drift event to the training app's table",
        });
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["dynamodb:PutItem"], Resources = [tableArn] }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [props.ErrorLog.LogGroupArn, $"{props.ErrorLog.LogGroupArn}:*"],
        }));
        Rule = new CfnTopicRule(this, "Resource", new CfnTopicRuleProps
        {
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Writes the latest drift event of every device that reports drift to the training app's drift events table",
                AwsIotSqlVersion = "2016-03-23",
                RuleDisabled = false,
                Sql = Sql(props.Topics.AllHealth),
                Actions = new object[]
                {
                    new CfnTopicRule.ActionProperty
                    {
                        DynamoDBv2 = new CfnTopicRule.DynamoDBv2ActionProperty
                        {
                            PutItem = new CfnTopicRule.PutItemInputProperty { TableName = props.DriftEventsTableName },
                            RoleArn = role.RoleArn,
                        },
                    },
                },
                ErrorAction = new CfnTopicRule.ActionProperty
                {
                    CloudwatchLogs = new CfnTopicRule.CloudwatchLogsActionProperty { LogGroupName = props.ErrorLog.LogGroupName, RoleArn = role.RoleArn },
                },
            },
        });
    }

    public CfnTopicRule Rule { get; }

    /// <summary>The rule's SQL: named fields of drifted health messages; the time as ISO 8601 UTC with milliseconds.</summary>
    public static string Sql(string healthTopicFilter) =>
        $"SELECT topic(2) AS {DriftEventsSchema.PartitionKey}, parse_time(\"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\", timestamp()) AS {DriftEventsSchema.DriftAt}, " +
        $"drift.score AS {DriftEventsSchema.Score}, drift.threshold AS {DriftEventsSchema.Threshold}, drift.statistics AS {DriftEventsSchema.Statistics}, " +
        $"drift.captureBoostUntil AS {DriftEventsSchema.CaptureBoostUntil}, drift.driftedSince AS {DriftEventsSchema.DriftedSince}, model.componentVersion AS {DriftEventsSchema.ModelComponentVersion}, " +
        $"thingGroup AS {DriftEventsSchema.ThingGroup} FROM '{healthTopicFilter}' WHERE drift.drifted = true";
}
