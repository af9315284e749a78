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

        Pipeline.AddStage(props.App.CreateStage(this, "Deploy", new AppStageProps
        {
            Settings = settings,
            Build = props.Build,
        }));

        KmsGrantRestriction.ApplyTo(this);
    }

    public CodePipeline Pipeline { get; }

    public SecureBucket ArtifactBucket { get; }
}
