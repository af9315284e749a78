using Amazon.CDK;
using Amazon.CDK.AWS.CodeBuild;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.Pipelines;
using Constructs;
using EdgeMlOps.Cdk.Shared.Configuration;
using CodePipelineL2 = Amazon.CDK.AWS.CodePipeline;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record AssetPipelineStackProps
{
    /// <summary>The app this pipeline deploys. Required.</summary>
    public required IEdgeMlOpsApp App { get; init; }

    /// <summary>Validated settings of the environment. Required.</summary>
    public required AppSettings Settings { get; init; }

    /// <summary>Build options passed on to the deployed Stage. Required.</summary>
    public required BuildOptions Build { get; init; }
}

/// <summary>
/// The asset pipeline of one app: a self-mutating CDK Pipeline that, on each commit, installs the toolchain
/// from the repository's own pins, synthesizes only this app and deploys its Stage. No privileged Docker.
/// In a staged environment (<see cref="AppSettings.Stages"/>) it lives in the tooling account and deploys the Stage
/// to dev, then pre-production, then, after a manual approval, production: each through the target account's
/// bootstrap deploy role (the account trusts the tooling account), with the artifacts encrypted by the bucket's
/// KMS key, which the target accounts may use.
/// </summary>
public sealed class AssetPipelineStack : Stack
{
    /// <summary>Commands that install the pinned .NET SDK and the pinned npm tools in a plain CodeBuild image.</summary>
    public static readonly IReadOnlyList<string> InstallCommands =
    [
        "curl -sSL --retry 3 https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh",
        "bash /tmp/dotnet-install.sh --jsonfile global.json --install-dir \"$HOME/.dotnet\"",
        "npm ci --ignore-scripts --no-audit --no-fund",
    ];

    public AssetPipelineStack(Construct scope, string id, AssetPipelineStackProps props)
        : base(scope, id, new StackProps
        {
            Env = new Amazon.CDK.Environment { Account = props.Settings.Account, Region = props.Settings.Region },
            Description = $"Asset pipeline of the {props.App.Name} app ({props.Settings.EnvironmentName})",
        })
    {
        var settings = props.Settings;
        ArtifactBucket = new SecureBucket(this, "Artifacts", new SecureBucketProps
        {
            Purpose = $"{props.App.Name} asset pipeline artifacts",
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var underlying = new CodePipelineL2.Pipeline(this, "CodePipeline", new CodePipelineL2.PipelineProps
        {
            PipelineName = $"{settings.ResourcePrefix}-{props.App.Name}-assets",
            ArtifactBucket = ArtifactBucket.Bucket,
            RestartExecutionOnUpdate = true,
            PipelineType = CodePipelineL2.PipelineType.V2,
        });

        var buildLogs = new BuildLogs(this, "BuildLogs");
        var synth = new ShellStep("Synth", new ShellStepProps
        {
            Input = PipelineSourceFactory.ForAssetPipeline(this, settings.SourceRepository),
            InstallCommands = InstallCommands.ToArray(),
            Commands =
            [
                $"PATH=\"$HOME/.dotnet:$PATH\" npx cdk synth -c app={props.App.Name} -c env={settings.EnvironmentName}",
            ],
            PrimaryOutputDirectory = "cdk.out",
        });

        Pipeline = new CodePipeline(this, "Resource", new CodePipelineProps
        {
            CodePipeline = underlying,
            Synth = synth,
            SelfMutation = true,
            DockerEnabledForSynth = false,
            DockerEnabledForSelfMutation = false,
            CodeBuildDefaults = new CodeBuildOptions
            {
                BuildEnvironment = new BuildEnvironment
                {
                    BuildImage = LinuxBuildImage.STANDARD_7_0,
                    ComputeType = ComputeType.MEDIUM,
                    Privileged = false,
                },
                Logging = new LoggingOptions
                {
                    CloudWatch = new CloudWatchLoggingOptions { LogGroup = buildLogs.LogGroup, Enabled = true },
                },
            },
        });

        if (settings.Stages is null)
        {
            Pipeline.AddStage(props.App.CreateStage(this, "Deploy", new AppStageProps
            {
                Settings = settings,
                Build = props.Build,
            }));
        }
        else
        {
            AddStagedDeployments(props, settings.Stages);
        }

        KmsGrantRestriction.ApplyTo(this);
    }

    /// <summary>Name of the manual approval step before the production stage of a staged pipeline.</summary>
    public const string ProductionApprovalName = "PromoteToProduction";

    public CodePipeline Pipeline { get; }

    // Stage order is the promotion order; only production waits for a person. Each Stage carries its own account
    // and region, so CDK Pipelines deploys it through that account's bootstrap roles.
    private void AddStagedDeployments(AssetPipelineStackProps props, StagedAccounts stages)
    {
        foreach (var target in stages.InOrder)
        {
            var stage = props.App.CreateStage(this, target.PascalName, new AppStageProps
            {
                Settings = props.Settings.ForStage(target),
                Build = props.Build,
            });
            Pipeline.AddStage(stage, target.Kind == DeploymentStageKind.Production
                ? new AddStageOpts
                {
                    Pre =
                    [
                        new ManualApprovalStep(ProductionApprovalName, new ManualApprovalStepProps
                        {
                            Comment = $"Deploy the {props.App.Name} app to production ({target.Account}, {target.Region})? It is running in pre-production ({stages.PreProduction.Account}).",
                        }),
                    ],
                }
                : null);
        }
    }

    public SecureBucket ArtifactBucket { get; }
}
