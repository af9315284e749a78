namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>
/// The whole configuration of one environment (one file such as <c>config/dev.yaml</c>), parsed and
/// validated before any construct is built. Constructs receive these records; they never read context.
/// </summary>
public sealed record AppSettings
{
    /// <summary>Environment name, taken from the file name (<c>dev</c> for <c>config/dev.yaml</c>).</summary>
    public required string EnvironmentName { get; init; }

    /// <summary>12-digit AWS account id every stack deploys to.</summary>
    public required string Account { get; init; }

    /// <summary>AWS region every stack deploys to.</summary>
    public required string Region { get; init; }

    /// <summary>Lower-case prefix of every physical name and of the SSM contract path.</summary>
    public required string NamePrefix { get; init; }

    public required SourceRepositorySettings SourceRepository { get; init; }

    public required NotificationSettings Notifications { get; init; }

    public required LabelingSettings Labeling { get; init; }

    public required TrainingSettings Training { get; init; }

    public required EdgeSettings Edge { get; init; }

    /// <summary>Root of the SSM parameter contract between apps: <c>/&lt;prefix&gt;/&lt;env&gt;</c>.</summary>
    public string ParameterRoot => $"/{NamePrefix}/{EnvironmentName}";

    /// <summary>Prefix for physical resource names: <c>&lt;prefix&gt;-&lt;env&gt;</c>.</summary>
    public string ResourcePrefix => $"{NamePrefix}-{EnvironmentName}";
}
