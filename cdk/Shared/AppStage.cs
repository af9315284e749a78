using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using EdgeMlOps.Cdk.Shared.Constructs;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.Cdk.Shared;

/// <summary>What differs between the apps' stages in the part <see cref="AppStage"/> builds for all of them.</summary>
/// <param name="AppName">Stack name suffix: the stack is <c>&lt;namePrefix&gt;-&lt;env&gt;-&lt;AppName&gt;</c>.</param>
/// <param name="NotificationsDisplayName">Display name of the app's notification topic (the sender of its e-mails).</param>
/// <param name="Description">Description of the workload stack.</param>
public sealed record AppStageDefinition(string AppName, string NotificationsDisplayName, string Description)
{
    /// <summary>
    /// Runs on the empty workload stack before anything is added to it (stack context can only be set then).
    /// Default: nothing.
    /// </summary>
    public Action<Stack>? PrepareWorkload { get; init; }
}

/// <summary>
/// The scaffold every app's Stage shares: the stage in the configured environment, one workload stack
/// (construct id "Workload", so logical ids stay stable), the app's notification topic ("Notifications"),
/// the SSM parameters it publishes for other apps, and the KMS grant restriction applied last.
/// </summary>
public abstract class AppStage : Stage
{
    protected AppStage(Construct scope, string id, AppStageProps props, AppStageDefinition definition)
        : base(scope, id, new StageProps { Env = props.ResolveEnv() })
    {
        Contract = new ParameterContract(props.Settings.ParameterRoot);
        Workload = new Stack(this, "Workload", new StackProps
        {
            StackName = $"{props.Settings.ResourcePrefix}-{definition.AppName}",
            Description = definition.Description,
        });
        definition.PrepareWorkload?.Invoke(Workload);
        Topic = new NotificationTopic(Workload, "Notifications", new NotificationTopicProps
        {
            DisplayName = definition.NotificationsDisplayName,
            Emails = props.Settings.Notifications.Emails,
        });
    }

    public Stack Workload { get; }

    /// <summary>The app's notification topic (releases, failures, approvals).</summary>
    public NotificationTopic Topic { get; }

    /// <summary>Names of the SSM parameters between the apps.</summary>
    protected ParameterContract Contract { get; }

    /// <summary>Publishes one SSM parameter of the contract in the workload stack under construct id <paramref name="id"/>.</summary>
    protected void PublishParameter(string id, string name, string value, string description) =>
        _ = new StringParameter(Workload, id, new StringParameterProps
        {
            ParameterName = name,
            StringValue = value,
            Description = description,
        });

    /// <summary>Call last, when every key of the stage exists: restricts KMS grants to AWS services (CT.KMS.PR.3).</summary>
    protected void RestrictKmsGrants() => KmsGrantRestriction.ApplyTo(this);
}
