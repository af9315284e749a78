using EdgeMlOps.Cdk.Shared;

namespace EdgeMlOps.Cdk.Tests;

internal static class TestPaths
{
    public static string RepositoryRoot { get; } = RepositoryLocator.FindRoot(AppContext.BaseDirectory);
}
