using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record ExecutionFailureNotificationProps
{
    /// <summary>The workflow whose failed, timed-out and aborted executions are reported. Required.</summary>
    public required IStateMachine StateMachine { get; init; }

    /// <summary>The app's notification topic (its key policy lets EventBridge publish). Required.</summary>
    public required NotificationTopic Topic { get; init; }

    /// <summary>The workflow's name in the message, e.g. "Labeling". Required.</summary>
    public required string WorkflowTitle { get; init; }
}

/// <summary>
/// An EventBridge rule on the workflow's "Step Functions Execution Status Change" events (FAILED, TIMED_OUT, ABORTED)
/// that sends the execution ARN, the status, the error and the cause to the app's topic. It reports what no Catch in
/// the workflow can: the history and payload limits (States.DataLimitExceeded), timeouts, runtime errors in Pass or
/// Choice states, aborts by hand. The event carries no failing state: the cause names the state for the service's
/// own errors (e.g. "The state/task 'X' returned a result with a size exceeding…"), and the execution's history
/// (linked in the message) shows it for every failure.
/// </summary>
public sealed class ExecutionFailureNotification : Construct
{
    /// <summary>The statuses that end an execution without success.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["FAILED", "TIMED_OUT", "ABORTED"];

    public ExecutionFailureNotification(Construct scope, string id, ExecutionFailureNotificationProps props)
        : base(scope, id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(props.WorkflowTitle, nameof(props.WorkflowTitle));
        Rule = new Rule(this, "Resource", new RuleProps
        {
            Description = $"Reports every {props.WorkflowTitle} workflow execution that ends FAILED, TIMED_OUT or ABORTED",
            EventPattern = new EventPattern
            {
                Source = ["aws.states"],
                DetailType = ["Step Functions Execution Status Change"],
                Detail = new Dictionary<string, object>
                {
                    ["status"] = Statuses.ToArray(),
                    ["stateMachineArn"] = new[] { props.StateMachine.StateMachineArn },
                },
            },
        });

        var executionArn = EventField.FromPath("$.detail.executionArn");
        Rule.AddTarget(new SnsTopic(props.Topic.Topic, new SnsTopicProps
        {
            Message = RuleTargetInput.FromText(
                $"{props.WorkflowTitle} workflow execution {executionArn} ended {EventField.FromPath("$.detail.status")}. " +
                $"Error: {EventField.FromPath("$.detail.error")}. Cause: {EventField.FromPath("$.detail.cause")}. " +
                $"The failing state is the last one entered in the execution's history: " +
                $"https://{EventField.Region}.console.aws.amazon.com/states/home?region={EventField.Region}#/v2/executions/details/{executionArn}"),
        }));

        // The topic is KMS-encrypted: EventBridge publishes as the service, which the key policy allows
        // (NotificationTopic); the topic policy must allow it too, for this rule only.
        props.Topic.Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = $"AllowExecutionStatusRule{id}",
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [props.Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["ArnEquals"] = new Dictionary<string, object> { ["aws:SourceArn"] = Rule.RuleArn },
            },
        }));
    }

    /// <summary>The EventBridge rule.</summary>
    public Rule Rule { get; }
}
