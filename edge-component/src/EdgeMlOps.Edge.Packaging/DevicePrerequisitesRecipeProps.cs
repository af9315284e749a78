using System.Text.RegularExpressions;

namespace EdgeMlOps.Edge.Packaging;

/// <summary>Inputs of the device prerequisites component recipe (<see cref="DevicePrerequisitesRecipeRenderer"/>).</summary>
public sealed partial record DevicePrerequisitesRecipeProps
{
    /// <summary>The install script in the repository, relative to its root; the component's one artifact.</summary>
    public const string ScriptPath = "edge-component/prerequisites/install-device-prerequisites.sh";

    /// <summary>The .NET major version the inference component targets (net8.0 in its .csproj; a test keeps them equal).</summary>
    public const int ComponentDotnetMajor = 8;

    /// <summary>Component name, e.g. com.edgemlops.DevicePrerequisites. Required.</summary>
    public required string ComponentName { get; init; }

    /// <summary>Semantic version (major.minor.patch), e.g. derived from the script's content hash. Required.</summary>
    public required string ComponentVersion { get; init; }

    /// <summary>s3:// URI of the install script (a plain artifact, not an archive). Required.</summary>
    public required string ScriptArtifactUri { get; init; }

    /// <summary>
    /// Lowest acceptable Microsoft.NETCore.App major version; the channel installed from a package (dotnet-runtime-N.0).
    /// Default: <see cref="ComponentDotnetMajor"/> (the component rolls forward to a newer major when that is what is there).
    /// </summary>
    public int DotnetMajor { get; init; } = ComponentDotnetMajor;

    /// <summary>Seconds the Install step may take (package downloads on a slow link). Default: 900 (Greengrass's own default is 120).</summary>
    public int InstallTimeoutSeconds { get; init; } = 900;

    public string ComponentDescription { get; init; } = "Installs what the inference component needs on a core device: a .NET runtime (8 or newer) and libturbojpeg, idempotently.";

    public string ComponentPublisher { get; init; } = "EdgeMlOpsInfra";

    /// <summary>The script's file name on the device: the last segment of <see cref="ScriptArtifactUri"/>.</summary>
    public string ScriptFileName => (ScriptArtifactUri ?? string.Empty)[((ScriptArtifactUri ?? string.Empty).LastIndexOf('/') + 1)..];

    /// <summary>Every problem, each naming its property; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!ComponentNamePattern().IsMatch(ComponentName ?? string.Empty))
        {
            problems.Add($"ComponentName '{ComponentName}' must be 1-128 letters, digits, '.', '_' or '-'.");
        }

        if (!VersionPattern().IsMatch(ComponentVersion ?? string.Empty))
        {
            problems.Add($"ComponentVersion '{ComponentVersion}' must be major.minor.patch.");
        }

        if (string.IsNullOrWhiteSpace(ScriptArtifactUri) || !ScriptArtifactUri.StartsWith("s3://", StringComparison.Ordinal) || ScriptFileName.Length == 0)
        {
            problems.Add($"ScriptArtifactUri '{ScriptArtifactUri}' must be an s3:// URI of a file.");
        }

        if (DotnetMajor is < 6 or > 99)
        {
            problems.Add($"DotnetMajor must be between 6 and 99 (got {DotnetMajor}).");
        }

        if (InstallTimeoutSeconds is < 60 or > 7200)
        {
            problems.Add($"InstallTimeoutSeconds must be between 60 and 7200 (got {InstallTimeoutSeconds}).");
        }

        return problems;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex VersionPattern();
}
