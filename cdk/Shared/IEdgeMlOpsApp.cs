using Amazon.CDK;
using Constructs;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.Shared;

/// <summary>
/// One independently deployable app (labeling, training, edge). The entry point creates its Stage twice:
/// once on its own for development deployments, once inside the app's asset pipeline.
/// </summary>
public interface IEdgeMlOpsApp
{
    /// <summary>Value of <c>-c app=...</c> that selects this app, e.g. "labeling".</summary>
    string Name { get; }

    /// <summary>PascalCase name used in construct ids and stack names, e.g. "Labeling".</summary>
    string PascalName { get; }

    /// <summary>Creates the app's Stage holding all of its workload stacks.</summary>
    Stage CreateStage(Construct scope, string id, AppStageProps props);
}

/// <summary>Everything a Stage needs: validated settings, build options and the target environment.</summary>
public sealed record AppStageProps
{
    public required AppSettings Settings { get; init; }

    public required BuildOptions Build { get; init; }

    /// <summary>Account and region of the stacks. Default: taken from <see cref="Settings"/>.</summary>
    public Amazon.CDK.Environment? Env { get; init; }

    public Amazon.CDK.Environment ResolveEnv() =>
        Env ?? new Amazon.CDK.Environment { Account = Settings.Account, Region = Settings.Region };
}
