using System.Runtime.InteropServices;

namespace EdgeMlOps.QualityGates.Tools;

/// <summary>
/// Where the pinned Node tools live inside the repository (installed by <c>npm install --ignore-scripts</c>).
/// Every path is derived from the repository root, so tests and the CLI see the same tools.
/// </summary>
public sealed record RepositoryLayout(string RepoRoot)
{
    private string NodeModules => Path.Combine(RepoRoot, "node_modules");

    private string CfnGuardPackage => Path.Combine(NodeModules, "@cdklabs", "cdk-validator-cfnguard");

    /// <summary>The cfn-guard binary for this machine's architecture (the package ships x86_64 and aarch64).</summary>
    public string CfnGuardBinary => Path.Combine(CfnGuardPackage, "bin", "ubuntu", GuardArchitectureFolder(RuntimeInformation.OSArchitecture), "cfn-guard");

    /// <summary>The AWS Control Tower proactive-control rules, one folder per service.</summary>
    public string ControlTowerRules => Path.Combine(CfnGuardPackage, "rules", "control-tower", "cfn-guard");

    public string AslValidatorPackage => Path.Combine(NodeModules, "asl-validator");

    /// <summary>The AWS API models of the JavaScript SDK v2 (<c>metadata.json</c> and <c>*.min.json</c>).</summary>
    public string AwsSdkApis => Path.Combine(NodeModules, "aws-sdk", "apis");

    public static string GuardArchitectureFolder(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        _ => throw new PlatformNotSupportedException($"cfn-guard is shipped for x86_64 and aarch64 only, not {architecture}"),
    };

    /// <summary>Walks up from <paramref name="start"/> to the folder that holds global.json.</summary>
    public static RepositoryLayout FindFrom(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return new RepositoryLayout(dir.FullName);
            }
        }

        throw new DirectoryNotFoundException($"No folder containing global.json above {start}");
    }
}
