using EdgeMlOps.QualityGates.ApiModels;
using EdgeMlOps.QualityGates.Asl;
using EdgeMlOps.QualityGates.Guard;
using EdgeMlOps.QualityGates.Iam;
using EdgeMlOps.QualityGates.Model;
using EdgeMlOps.QualityGates.Templates;
using EdgeMlOps.QualityGates.Tools;

namespace EdgeMlOps.QualityGates.Gates;

/// <summary>Runs the gates over a cloud assembly and a folder of ASL files (the ASL style gate once it is enabled).</summary>
public sealed class QualityGateSuite(RepositoryLayout layout)
{
    /// <param name="templates">Every template of the cloud assembly (see <see cref="CloudAssembly"/>).</param>
    /// <param name="aslFiles">Repository-relative ASL files.</param>
    /// <param name="partialAssembly">The assembly holds only some apps (see <see cref="AslValidationGate.Run"/>). Default: false.</param>
    public IReadOnlyList<GateResult> Run(IReadOnlyList<TemplateFile> templates, IReadOnlyList<string> aslFiles, bool partialAssembly = false)
    {
        var catalog = new ApiModelCatalog(layout.AwsSdkApis);
        List<GateResult> results =
        [
            new CfnGuardGate(new CfnGuardRunner(layout.CfnGuardBinary, layout.ControlTowerRules)).Run(templates),
            new AslValidationGate(new AslValidatorRunner(layout.AslValidatorPackage), layout.RepoRoot).Run(aslFiles, templates, partialAssembly),
            new SdkIntegrationGate(catalog).Run(AslDocument.Collect(layout.RepoRoot, aslFiles, templates)),
            new StateMachineRoleGate(new RequiredActions(catalog), layout.RepoRoot).Run(templates),
            new AslStyleGate(layout.RepoRoot).Run(aslFiles),
        ];

        return results;
    }

    /// <summary>The <c>*.asl.json</c> files of <paramref name="folder"/>, relative to the repository root.</summary>
    public IReadOnlyList<string> AslFilesIn(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.asl.json")
                .Select(f => Path.GetRelativePath(layout.RepoRoot, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
}
