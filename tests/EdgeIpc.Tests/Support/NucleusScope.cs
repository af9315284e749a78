using System.Text.Json.Nodes;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeIpc.Tests.Support;

/// <summary>A test nucleus on a socket in its own temp folder, plus client options pointing at it.</summary>
internal sealed class NucleusScope : IAsyncDisposable
{
    // A hang guard, not a speed limit: a loaded machine must pass.
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    private readonly TempFolder _folder = new();

    public NucleusScope(JsonObject? configuration = null, IReadOnlySet<string>? deniedTopics = null, bool enforceAccessControl = false)
    {
        NucleusOptions = new TestNucleusOptions
        {
            SocketPath = _folder.File("nucleus.sock"),
            AuthToken = "svcuid-" + Guid.NewGuid().ToString("N")[..8],
            ComponentName = "com.edgemlops.Inference",
            Configuration = new Dictionary<string, JsonObject> { ["com.edgemlops.Inference"] = configuration ?? [] },
            DeniedTopics = deniedTopics ?? new HashSet<string>(),
            EnforceAccessControl = enforceAccessControl,
            ThingName = "cam-7",
        };
        Nucleus = TestNucleus.Start(NucleusOptions);
    }

    public TestNucleusOptions NucleusOptions { get; }

    public TestNucleus Nucleus { get; private set; }

    public GreengrassIpcClientOptions ClientOptions(string? authToken = null) => new()
    {
        SocketPath = NucleusOptions.SocketPath,
        AuthToken = authToken ?? NucleusOptions.AuthToken,
        ConnectTimeout = TimeSpan.FromSeconds(60),
        OperationTimeout = TimeSpan.FromSeconds(60),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
    };

    /// <summary>Stops the nucleus (its socket file disappears), as a nucleus restart does.</summary>
    public async Task StopNucleusAsync() => await Nucleus.DisposeAsync();

    /// <summary>Starts a new nucleus on the same socket path with the same settings.</summary>
    public void RestartNucleus() => Nucleus = TestNucleus.Start(NucleusOptions);

    public static CancellationToken Timeout() => new CancellationTokenSource(Wait).Token;

    public async ValueTask DisposeAsync()
    {
        await Nucleus.DisposeAsync();
        _folder.Dispose();
    }
}
