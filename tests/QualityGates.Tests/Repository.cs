using EdgeMlOps.QualityGates.Templates;
using EdgeMlOps.QualityGates.Tools;

namespace EdgeMlOps.QualityGates.Tests;

/// <summary>The real repository (found by walking up to global.json) and its fixtures; tests use the real tools in node_modules.</summary>
internal static class Repository
{
    public const string FixturesFolder = "tests/QualityGates.Tests/Fixtures";

    public static RepositoryLayout Layout { get; } = RepositoryLayout.FindFrom(AppContext.BaseDirectory);

    /// <summary>Repository-relative path of a fixture, e.g. <c>tests/QualityGates.Tests/Fixtures/asl/valid.asl.json</c>.</summary>
    public static string Fixture(string relative) => $"{FixturesFolder}/{relative}";

    public static string FullPath(string repoRelative) => Path.Combine(Layout.RepoRoot, repoRelative);

    public static TemplateFile Template(string fixture) => TemplateFile.Load(FullPath(Fixture(fixture)), fixture);
}
