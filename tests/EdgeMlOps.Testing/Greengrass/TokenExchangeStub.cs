using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EdgeMlOps.Testing.Greengrass;

/// <summary>
/// Serves container credentials on loopback the way the Greengrass token exchange service does: GET with the
/// <c>Authorization</c> header set to <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>, answered with
/// <c>{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}</c>. Requests with a wrong token get 401.
/// </summary>
public sealed class TokenExchangeStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly string _authorization;
    private readonly string _accessKey;
    private int _served;

    /// <summary>Starts serving on a free loopback port.</summary>
    /// <param name="authorization">The token a request must carry in its Authorization header.</param>
    /// <param name="accessKey">The access key (and secret) handed out.</param>
    public TokenExchangeStub(string authorization, string accessKey)
    {
        _authorization = authorization;
        _accessKey = accessKey;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The value for AWS_CONTAINER_AUTHORIZATION_TOKEN.</summary>
    public string Authorization => _authorization;

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The value for AWS_CONTAINER_CREDENTIALS_FULL_URI.</summary>
    public string CredentialsUri => $"http://127.0.0.1:{Port}/2016-11-01/credentialprovider/";

    /// <summary>Credential requests answered.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var response = context.Response;
            if (context.Request.Headers["Authorization"] != _authorization)
            {
                response.StatusCode = 401;
                continue;
            }

            Interlocked.Increment(ref _served);
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["AccessKeyId"] = _accessKey,
                ["SecretAccessKey"] = _accessKey,
                ["Token"] = "session-token-from-tes",
                ["Expiration"] = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            });
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
        }
    }
}
