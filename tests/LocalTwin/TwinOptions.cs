namespace EdgeMlOps.LocalTwin;

/// <summary>How the twin runs.</summary>
public sealed record TwinOptions
{
    /// <summary>The repository (cdk.json, config/, node_modules/). Required.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The configuration environment (config/&lt;name&gt;.yaml) every app is synthesized from. Default: twin.</summary>
    public string EnvironmentName { get; init; } = "twin";

    /// <summary>Where the cloud assembly, the local S3 data and the device folders go. Default: &lt;root&gt;/.build/twin.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>
    /// How much faster than configured the health gate polls: each poll takes healthGate.pollIntervalSeconds /
    /// TimeScale of real time while the devices run in real time. Default: 10. Must be at least 1.
    /// </summary>
    public int TimeScale { get; init; } = 10;

    /// <summary>Called with a line for each thing that happens, as it happens. Default: nothing.</summary>
    public Action<string> Progress { get; init; } = _ => { };

    public string ResolveWorkDirectory() => WorkDirectory ?? Path.Combine(RepositoryRoot, ".build", "twin");
}
