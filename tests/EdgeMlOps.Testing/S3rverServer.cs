using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Xunit;

namespace EdgeMlOps.Testing;

/// <summary>
/// A local S3-compatible server (npm <c>s3rver</c> 3.7.1 from the repository's node_modules) on a free loopback
/// port, storing objects in a temporary folder. Usable as an xunit class or collection fixture (it starts in
/// <see cref="IAsyncLifetime.InitializeAsync"/>) or on its own through <see cref="StartAsync"/>.
/// <see cref="StopAsync"/> then <see cref="StartAsync"/> restarts it on the same port and folder, so buckets and
/// objects survive and clients keep working: that is how tests simulate "S3 down, then back".
/// </summary>
public sealed class S3rverServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Access key and secret s3rver accepts by default; any SDK client must sign with these.</summary>
    public const string AccessKey = "S3RVER";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);

    private readonly bool _ownsDirectory;
    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>Creates a server on a free port with a fresh temporary data folder (deleted on dispose).</summary>
    public S3rverServer()
        : this(port: null, dataDirectory: null)
    {
    }

    // xunit needs fixtures to have a single public constructor, so the configurable one is reached through Create.
    private S3rverServer(int? port, string? dataDirectory)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "port must be between 1 and 65535.");
        }

        Port = port ?? FreeLoopbackPort();
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("s3rver-").FullName;
        Directory.CreateDirectory(DataDirectory);
    }

    /// <summary>Creates a server (not started).</summary>
    /// <param name="port">Loopback port. Default: a free port chosen now.</param>
    /// <param name="dataDirectory">Data folder, kept on dispose. Default: a fresh temporary folder, deleted on dispose.</param>
    public static S3rverServer Create(int? port = null, string? dataDirectory = null) => new(port, dataDirectory);

    /// <summary>The loopback port the server listens on; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The folder holding buckets and objects; the same across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>The endpoint URL, e.g. <c>http://127.0.0.1:40123</c>: the value for <c>AWS_ENDPOINT_URL_S3</c>.</summary>
    public string EndpointUrl => $"http://127.0.0.1:{Port}";

    /// <summary>True between a completed <see cref="StartAsync"/> and <see cref="StopAsync"/> (or an unexpected exit).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Environment variables that point an AWS SDK at this server (endpoint, dummy credentials, region).</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_S3"] = EndpointUrl,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = AccessKey,
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>
    /// Starts the server and waits until it accepts connections. Does nothing if it is already running.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server exited or did not listen within 30 s (its output is in the message).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        // The host script wraps s3rver so that chunked (streaming-signed) uploads from current SDKs are decoded.
        NodeTool.ModuleFile("s3rver", "package.json");
        var script = RepositoryRoot.Combine("tests", "EdgeMlOps.Testing", "Node", "s3rver-host.mjs");
        var startInfo = NodeTool.StartInfo(script,
            [DataDirectory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
            "--openssl-legacy-provider");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            AppendLog(e.Data);
            if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("s3rver exited."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);
        try
        {
            await listening.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            await StopAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"s3rver did not start on port {Port} (data: {DataDirectory}). Output:\n{Log}", e);
        }
    }

    /// <summary>Stops the server (kills the node process) and waits for it to exit. Data stays in <see cref="DataDirectory"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates an S3 client for this server: path-style addressing and the server's dummy credentials; everything
    /// else is the SDK default (chunked uploads and trailing checksums work: the host decodes them).
    /// The caller disposes the client.
    /// </summary>
    /// <param name="configure">Optional extra configuration, e.g. a shorter timeout or fewer retries.</param>
    public AmazonS3Client CreateClient(Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = EndpointUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, AccessKey), config);
    }

    /// <summary>Creates the buckets that do not exist yet. The server must be running.</summary>
    public async Task CreateBucketsAsync(params string[] bucketNames)
    {
        using var client = CreateClient();
        foreach (var name in bucketNames)
        {
            // PutBucket is idempotent in s3rver for an existing bucket owned by the same (only) account.
            await client.PutBucketAsync(name).ConfigureAwait(false);
        }
    }

    /// <summary>Everything the node process wrote to stdout/stderr so far (useful in failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Stops the server and deletes the data folder if this instance created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_ownsDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
