using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record NotificationTopicProps
{
    /// <summary>Human-readable name shown in e-mails. Required.</summary>
    public required string DisplayName { get; init; }

    /// <summary>E-mail addresses subscribed to the topic. Default: none.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];
}

/// <summary>An SNS topic encrypted with its own rotating KMS key, TLS only, with e-mail subscriptions.</summary>
public sealed class NotificationTopic : Construct
{
    public NotificationTopic(Construct scope, string id, NotificationTopicProps props)
        : base(scope, id)
    {
        Key = new Key(this, "Key", new KeyProps
        {
            Description = $"Encrypts the {props.DisplayName} notification topic",
            EnableKeyRotation = true,
        });

        // EventBridge rules may target the topic; they publish as the service, which needs the key.
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));

        // CloudWatch alarms publish as the service too (an alarm on an encrypted topic needs the key).
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));

        Topic = new Topic(this, "Resource", new TopicProps
        {
            DisplayName = props.DisplayName,
            MasterKey = Key,
        });

        // Written out rather than TopicProps.EnforceSSL, which this CDK version accepts but does not apply.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DenyPublishWithoutTls",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" },
            },
        }));

        foreach (var email in props.Emails)
        {
            Topic.AddSubscription(new EmailSubscription(email));
        }
    }

    public Topic Topic { get; }

    public Key Key { get; }

    public string TopicArn => Topic.TopicArn;

    /// <summary>Publish to the topic, including use of its key.</summary>
    public Grant GrantPublish(IGrantable grantee)
    {
        Key.Grant(grantee, "kms:Decrypt", "kms:GenerateDataKey*");
        return Topic.GrantPublish(grantee);
    }
}
