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

    /// <summary>
    /// The accounts of a staged environment; <see cref="Account"/> is then the tooling account of the pipelines.
    /// Default: null, one account holds everything.
    /// </summary>
    public StagedAccounts? Stages { get; init; }

    /// <summary>
    /// Set on the settings of one stage of a staged environment (<see cref="ForStage"/>): which stage this is.
    /// Default: null (single account, or the tooling account).
    /// </summary>
    public DeploymentTarget? Stage { get; init; }

    /// <summary>
    /// The settings a stage deploys with: environment <c>&lt;env&gt;-&lt;stage&gt;</c> (so every physical name and the SSM
    /// contract are the stage's own), the stage's account and region, and the private workteam of the same name in
    /// that account; pre-production always has the EC2 digital twin. The stages' accounts stay known (<see cref="Stages"/>) for the cross-account model promotion.
    /// </summary>
    public AppSettings ForStage(DeploymentTarget target) => this with
    {
        EnvironmentName = $"{EnvironmentName}-{target.Name}",
        Account = target.Account,
        Region = target.Region,
        Stage = target,
        Labeling = Labeling with { WorkteamArn = Labeling.WorkteamArn is null ? null : InAccount(Labeling.WorkteamArn, target) },
        // Pre-production's canary is the EC2 digital twin: a model must run on a real core there before production.
        Edge = target.Kind == DeploymentStageKind.PreProduction
            ? Edge with { DigitalTwin = Edge.DigitalTwin with { Enabled = true } }
            : Edge,
    };

    /// <summary>
    /// <see cref="ResourcePrefix"/> of another stage of the same staged environment (the names it derives), so a stage
    /// can name another account's resources without reading its exports.
    /// </summary>
    public string ResourcePrefixOf(DeploymentTarget target)
    {
        var baseEnvironment = Stage is null ? EnvironmentName : EnvironmentName[..^(Stage.Name.Length + 1)];
        return $"{NamePrefix}-{baseEnvironment}-{target.Name}";
    }

    // arn:aws:sagemaker:<region>:<account>:workteam/...: the same workteam name in the stage's account and region.
    private static string InAccount(string arn, DeploymentTarget target)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 ? string.Join(':', parts[0], parts[1], parts[2], target.Region, target.Account, parts[5]) : arn;
    }

    /// <summary>Root of the SSM parameter contract between apps: <c>/&lt;prefix&gt;/&lt;env&gt;</c>.</summary>
    public string ParameterRoot => $"/{NamePrefix}/{EnvironmentName}";

    /// <summary>Prefix for physical resource names: <c>&lt;prefix&gt;-&lt;env&gt;</c>.</summary>
    public string ResourcePrefix => $"{NamePrefix}-{EnvironmentName}";
}
