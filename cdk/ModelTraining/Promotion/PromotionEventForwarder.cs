using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Constructs;

namespace EdgeMlOps.Cdk.ModelTraining.Promotion;

public sealed record PromotionEventForwarderProps
{
    /// <summary>The events that start the next stage's promotion. Required.</summary>
    public required EventPattern Pattern { get; init; }

    /// <summary>What the events are, for the rule's description. Required.</summary>
    public required string Description { get; init; }

    /// <summary>The next stage, whose default event bus receives the events. Required.</summary>
    public required ModelPromotionSource Next { get; init; }
}

/// <summary>
/// Sends this stage's promotion events (a model approved in dev; a release that passed pre-production) to the next
/// stage's default event bus, where its model promotion starts. The rule's role may only put events on that bus.
/// </summary>
public sealed class PromotionEventForwarder : Construct
{
    public PromotionEventForwarder(Construct scope, string id, PromotionEventForwarderProps props)
        : base(scope, id)
    {
        Rule = new Rule(this, "Resource", new RuleProps
        {
            Description = props.Description,
            EventPattern = props.Pattern,
            Targets = [new Amazon.CDK.AWS.Events.Targets.EventBus(Amazon.CDK.AWS.Events.EventBus.FromEventBusArn(this, "NextStageBus", props.Next.DefaultEventBusArn))],
        });
    }

    public Rule Rule { get; }
}
