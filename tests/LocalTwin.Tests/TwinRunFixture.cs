using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.LocalTwin;
using EdgeMlOps.LocalTwin.Report;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>The whole twin run once per test run (about two minutes: five rollouts); the tests read its report.</summary>
public sealed class TwinRunFixture : IAsyncLifetime
{
    private readonly List<string> _progress = [];

    public TwinReport Report { get; private set; } = null!;

    public AppSettings Settings { get; private set; } = null!;

    /// <summary>What the run printed as it went, for assertion messages.</summary>
    public string Progress
    {
        get
        {
            lock (_progress)
            {
                return string.Join(Environment.NewLine, _progress);
            }
        }
    }

    public async Task InitializeAsync()
    {
        var root = RepositoryLocator.FindRoot(AppContext.BaseDirectory);
        Settings = SettingsLoader.LoadEnvironment(root, "twin");
        Report = await TwinRun.RunAsync(new TwinOptions
        {
            RepositoryRoot = root,
            // Apart from the user's own run in .build/twin.
            WorkDirectory = Path.Combine(root, ".build", "twin-tests"),
            Progress = line =>
            {
                lock (_progress)
                {
                    _progress.Add(line);
                }
            },
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class TwinRunCollection : ICollectionFixture<TwinRunFixture>
{
    public const string Name = "Twin run";
}
