using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Workflow;

public sealed record ModelApprovalTriggerProps
{
    /// <summary>Model package group whose approvals start the workflow (may be a deploy-time SSM token). Required.</summary>
    public required string ModelPackageGroupName { get; init; }

    /// <summary>The edge deployment workflow. Required.</summary>
    public required IStateMachine StateMachine { get; init; }
}

/// <summary>
/// Starts the edge deployment when a model package of our group becomes Approved, with the input
/// <c>{"modelPackageArn": …, "trigger": "model-package-approved"}</c>. Other groups and other statuses do nothing.
/// </summary>
public sealed class ModelApprovalTrigger : Construct
{
    public const string DetailType = "SageMaker Model Package State Change";

    public ModelApprovalTrigger(Construct scope, string id, ModelApprovalTriggerProps props)
        : base(scope, id)
    {
        Rule = new Rule(this, "Resource", new RuleProps
        {
            Description = "Deploys a model package of our group to the edge fleet when it is approved",
            EventPattern = Pattern(props.ModelPackageGroupName),
            Targets =
            [
                new SfnStateMachine(props.StateMachine, new SfnStateMachineProps
                {
                    Input = RuleTargetInput.FromObject(new Dictionary<string, object>
                    {
                        ["modelPackageArn"] = EventField.FromPath("$.detail.ModelPackageArn"),
                        ["trigger"] = "model-package-approved",
                    }),
                    RetryAttempts = 3,
                }),
            ],
        });
    }

    public Rule Rule { get; }

    /// <summary>The event pattern: SageMaker, model package state change, our group, status Approved.</summary>
    public static EventPattern Pattern(string modelPackageGroupName) => new()
    {
        Source = ["aws.sagemaker"],
        DetailType = [DetailType],
        Detail = new Dictionary<string, object>
        {
            ["ModelPackageGroupName"] = new[] { modelPackageGroupName },
            ["ModelApprovalStatus"] = new[] { "Approved" },
        },
    };
}
