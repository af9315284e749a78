namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Which of the three accounts of a staged environment a stage is.</summary>
public enum DeploymentStageKind
{
    /// <summary>Models are trained and registered here; approval here releases to pre-production.</summary>
    Dev,

    /// <summary>The pre-production fleet (the EC2 digital twin as canary): a model must pass here first.</summary>
    PreProduction,

    /// <summary>The production fleets: deployed only after a person approves.</summary>
    Production,
}

/// <summary>One deployment target of a staged environment.</summary>
/// <param name="Kind">Which stage it is.</param>
/// <param name="Account">12-digit account id.</param>
/// <param name="Region">AWS region.</param>
public sealed record DeploymentTarget(DeploymentStageKind Kind, string Account, string Region)
{
    /// <summary>Short name: environment-name suffix and construct id part (<c>dev</c>, <c>preprod</c>, <c>prod</c>).</summary>
    public string Name => Kind switch
    {
        DeploymentStageKind.Dev => "dev",
        DeploymentStageKind.PreProduction => "preprod",
        _ => "prod",
    };

    /// <summary>PascalCase name of the pipeline stage (<c>Dev</c>, <c>PreProduction</c>, <c>Production</c>).</summary>
    public string PascalName => Kind.ToString();
}

/// <summary>
/// The accounts of a staged environment (<c>stages</c> in <c>config/staged.yaml</c>). The environment's own
/// <c>account</c>/<c>region</c> is then the tooling account, which holds the asset pipelines only.
/// </summary>
public sealed record StagedAccounts
{
    public required DeploymentTarget Dev { get; init; }

    public required DeploymentTarget PreProduction { get; init; }

    public required DeploymentTarget Production { get; init; }

    /// <summary>
    /// Dev's labeling data key, with which production's captured frames are replicated to dev's labeling data bucket
    /// (<c>stages.production.captureReplicaKeyArn</c>). Default: null (production's captures stay in production).
    /// </summary>
    public string? ProductionCaptureReplicaKeyArn { get; init; }

    /// <summary>The targets in deployment order: dev, pre-production, production.</summary>
    public IReadOnlyList<DeploymentTarget> InOrder => [Dev, PreProduction, Production];
}
