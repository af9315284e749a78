namespace EdgeMlOps.Edge.Ipc;

/// <summary>Settings of a <see cref="GreengrassIpcClient"/>; checked by <see cref="Validate"/> when the client is built.</summary>
public sealed record GreengrassIpcClientOptions
{
    /// <summary>Environment variable Greengrass sets to the nucleus IPC socket path.</summary>
    public const string SocketPathVariable = "AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT";

    /// <summary>Environment variable Greengrass sets to the component's auth token.</summary>
    public const string AuthTokenVariable = "SVCUID";

    /// <summary>Path of the nucleus Unix socket. Default: empty, which <see cref="Validate"/> refuses.</summary>
    public string SocketPath { get; init; } = "";

    /// <summary>The component's SVCUID, sent in CONNECT. Default: empty, which <see cref="Validate"/> refuses.</summary>
    public string AuthToken { get; init; } = "";

    /// <summary>Time allowed for one socket connect plus CONNECT_ACK. Default: 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for an operation's response. Default: 30 s.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay between reconnect attempts; it doubles each failure. Default: 250 ms.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of the reconnect delay. Default: 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connect attempts before a call gives up. Default: null, which retries until the call is cancelled.</summary>
    public int? MaxConnectAttempts { get; init; }

    /// <summary>
    /// How many times an operation is sent again after the connection dropped under it. Default: 2.
    /// A QoS 1 publish may then reach IoT Core twice, which QoS 1 (at least once) allows.
    /// </summary>
    public int OperationRetries { get; init; } = 2;

    /// <summary>Receives failures of background work (resubscribing, subscription handlers). Default: null, ignored.</summary>
    public Action<Exception>? OnBackgroundError { get; init; }

    /// <summary>Lists every problem, or nothing when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(SocketPath))
        {
            problems.Add($"SocketPath is empty: set it or {SocketPathVariable}.");
        }

        if (string.IsNullOrEmpty(AuthToken))
        {
            problems.Add($"AuthToken is empty: set it or {AuthTokenVariable}.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            problems.Add($"ConnectTimeout must be positive, got {ConnectTimeout}.");
        }

        if (OperationTimeout <= TimeSpan.Zero)
        {
            problems.Add($"OperationTimeout must be positive, got {OperationTimeout}.");
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
        {
            problems.Add($"Reconnect delays must satisfy 0 < ReconnectInitialDelay ({ReconnectInitialDelay}) <= ReconnectMaxDelay ({ReconnectMaxDelay}).");
        }

        if (MaxConnectAttempts is < 1)
        {
            problems.Add($"MaxConnectAttempts must be at least 1 when set, got {MaxConnectAttempts}.");
        }

        if (OperationRetries < 0)
        {
            problems.Add($"OperationRetries must not be negative, got {OperationRetries}.");
        }

        return problems;
    }
}
