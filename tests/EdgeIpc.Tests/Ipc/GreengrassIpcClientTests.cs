using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeIpc.Tests.Ipc;

public sealed class GreengrassIpcClientTests
{
    private static JsonObject InferenceConfiguration() => new()
    {
        ["thresholds"] = new JsonObject { ["confidence"] = 0.6, ["uncertaintyLow"] = 0.3 },
        ["publishIntervalSeconds"] = 5,
        ["topic"] = "edgemlops/inference/results",
    };

    [Fact]
    public async Task Publishes_to_IoT_Core_with_QoS_1_through_the_nucleus()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        await client.ConnectAsync(NucleusScope.Timeout());
        await client.PublishToIoTCoreAsync("edgemlops/things/dev-1/results", Encoding.UTF8.GetBytes("{\"defects\":2}"), IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        var published = await scope.Nucleus.Publishes.WaitForCountAsync(1, NucleusScope.Wait);
        Assert.Equal("edgemlops/things/dev-1/results", published[0].TopicName);
        Assert.Equal("1", published[0].Qos);
        Assert.Equal("{\"defects\":2}", Encoding.UTF8.GetString(published[0].Payload));
        Assert.Equal(1, scope.Nucleus.AcceptedConnections);
    }

    [Fact]
    public async Task Sends_each_operation_on_its_own_stream()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            client.PublishToIoTCoreAsync("t/" + i, new byte[] { (byte)i }, IoTCoreQos.AtMostOnce, NucleusScope.Timeout())));
        await client.GetConfigurationAsync(null, ["topic"], NucleusScope.Timeout());

        var operations = scope.Nucleus.Operations.Snapshot();
        Assert.Equal(6, operations.Count);
        Assert.Equal(6, operations.Select(o => o.StreamId).Distinct().Count());
        Assert.All(operations.Where(o => o.Operation == "aws.greengrass#PublishToIoTCore"), o => Assert.Equal("0", o.Request!["qos"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Reads_the_configuration_object_at_a_key_path()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        var thresholds = await client.GetConfigurationAsync(null, ["thresholds"], NucleusScope.Timeout());
        var leaf = await client.GetConfigurationAsync("com.edgemlops.Inference", ["topic"], NucleusScope.Timeout());

        Assert.Equal(0.6, thresholds.GetProperty("confidence").GetDouble());
        Assert.Equal("edgemlops/inference/results", leaf.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task Fails_with_ResourceNotFound_when_the_key_path_does_not_exist()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        var error = await Assert.ThrowsAsync<IpcResourceNotFoundException>(
            () => client.GetConfigurationAsync(null, ["no", "such", "key"], NucleusScope.Timeout()));

        Assert.Equal("aws.greengrass#ResourceNotFoundError", error.ServiceModelType);
        Assert.Contains("no/such/key", error.ServiceMessage);
    }

    [Fact]
    public async Task Fails_with_Unauthorized_when_the_topic_is_not_allowed()
    {
        await using var scope = new NucleusScope(deniedTopics: new HashSet<string> { "forbidden/topic" });
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        var error = await Assert.ThrowsAsync<IpcUnauthorizedException>(
            () => client.PublishToIoTCoreAsync("forbidden/topic", new byte[] { 1 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout()));

        Assert.Equal("aws.greengrass#PublishToIoTCore", error.Operation);
        Assert.Empty(scope.Nucleus.Publishes.Snapshot());
        // The error ended only that stream: the connection still serves the next call.
        await client.PublishToIoTCoreAsync("allowed/topic", new byte[] { 2 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());
        Assert.Equal(1, scope.Nucleus.AcceptedConnections);
    }

    [Fact]
    public async Task Reports_RUNNING_then_ERRORED()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        await client.UpdateStateAsync(ReportedLifecycleState.Running, NucleusScope.Timeout());
        await client.UpdateStateAsync(ReportedLifecycleState.Errored, NucleusScope.Timeout());

        Assert.Equal(["RUNNING", "ERRORED"], scope.Nucleus.States.Snapshot().Select(s => s.State));
    }

    [Fact]
    public async Task Delivers_configuration_updates_until_the_subscription_is_disposed()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        var updates = new BlockingCollection<ConfigurationUpdate>();

        var subscription = await client.SubscribeToConfigurationUpdateAsync(null, ["thresholds"], u => { updates.Add(u); return Task.CompletedTask; }, NucleusScope.Timeout());
        var notified = await scope.Nucleus.PushConfigurationUpdate(["thresholds", "confidence"], 0.75);

        Assert.Equal(1, notified);
        Assert.True(updates.TryTake(out var update, NucleusScope.Wait));
        Assert.Equal("com.edgemlops.Inference", update.ComponentName);
        Assert.Equal(["thresholds", "confidence"], update.KeyPath);
        var fresh = await client.GetConfigurationAsync(null, update.KeyPath, NucleusScope.Timeout());
        Assert.Equal(0.75, fresh.GetProperty("confidence").GetDouble());

        await subscription.DisposeAsync();
        // The nucleus must see the TERMINATE_STREAM before the next push: a round trip on the same connection orders it.
        await client.UpdateStateAsync(ReportedLifecycleState.Running, NucleusScope.Timeout());
        Assert.Equal(0, await scope.Nucleus.PushConfigurationUpdate(["thresholds", "confidence"], 0.8));
    }

    [Fact]
    public async Task Ignores_updates_outside_the_subscribed_key_path()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        await using var subscription = await client.SubscribeToConfigurationUpdateAsync(null, ["thresholds"], _ => Task.CompletedTask, NucleusScope.Timeout());

        Assert.Equal(0, await scope.Nucleus.PushConfigurationUpdate(["topic"], "other/topic"));
        Assert.Equal(1, await scope.Nucleus.PushConfigurationUpdate(["thresholds"], new JsonObject { ["confidence"] = 0.9 }));
    }

    [Fact]
    public async Task Fails_with_rejection_and_does_not_retry_when_the_auth_token_is_wrong()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions(authToken: "not-the-svcuid"));

        await Assert.ThrowsAsync<IpcConnectionRejectedException>(() => client.ConnectAsync(NucleusScope.Timeout()));

        Assert.Equal(1, scope.Nucleus.RejectedConnections);
        Assert.Equal(0, scope.Nucleus.AcceptedConnections);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Reconnects_and_publishes_after_the_nucleus_drops_the_connection()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        await client.PublishToIoTCoreAsync("t/before", new byte[] { 1 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        await scope.Nucleus.DisconnectAll();
        await client.PublishToIoTCoreAsync("t/after", new byte[] { 2 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        Assert.Equal(["t/before", "t/after"], scope.Nucleus.Publishes.Snapshot().Select(p => p.TopicName));
        Assert.Equal(2, scope.Nucleus.AcceptedConnections);
        Assert.Equal(2, client.ConnectCount);
    }

    [Fact]
    public async Task Keeps_retrying_with_backoff_until_a_restarted_nucleus_is_back()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        await client.ConnectAsync(NucleusScope.Timeout());
        await scope.StopNucleusAsync();

        var publish = client.PublishToIoTCoreAsync("t/after-restart", new byte[] { 3 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.False(publish.IsCompleted);
        scope.RestartNucleus();
        await publish;

        Assert.Equal("t/after-restart", scope.Nucleus.Publishes.Snapshot().Single().TopicName);
    }

    [Fact]
    public async Task Gives_up_after_the_configured_connect_attempts_when_no_nucleus_listens()
    {
        await using var scope = new NucleusScope();
        await scope.StopNucleusAsync();
        await using var client = new GreengrassIpcClient(scope.ClientOptions() with { MaxConnectAttempts = 3 });

        await Assert.ThrowsAsync<IpcConnectionLostException>(() => client.ConnectAsync(NucleusScope.Timeout()));
        scope.RestartNucleus();
    }

    [Fact]
    public async Task Resubscribes_after_a_reconnect_and_keeps_receiving_updates()
    {
        await using var scope = new NucleusScope(InferenceConfiguration());
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        var updates = new BlockingCollection<ConfigurationUpdate>();
        await using var subscription = await client.SubscribeToConfigurationUpdateAsync(null, ["publishIntervalSeconds"], u => { updates.Add(u); return Task.CompletedTask; }, NucleusScope.Timeout());

        await scope.Nucleus.DisconnectAll();
        await scope.Nucleus.Operations.WaitForAsync(o => o.Operation == "aws.greengrass#SubscribeToConfigurationUpdate" && o.ConnectionId > 1, NucleusScope.Wait);
        await scope.Nucleus.PushConfigurationUpdate(["publishIntervalSeconds"], 10);

        Assert.True(updates.TryTake(out var update, NucleusScope.Wait));
        Assert.Equal(["publishIntervalSeconds"], update.KeyPath);
        Assert.Equal(2, scope.Nucleus.AcceptedConnections);
    }

    [Fact]
    public async Task Sends_a_publish_again_when_the_connection_drops_before_the_response()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        scope.Nucleus.InjectFault("aws.greengrass#PublishToIoTCore", NucleusFault.DropConnection);

        await client.PublishToIoTCoreAsync("t/retried", new byte[] { 9 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        Assert.Equal(2, scope.Nucleus.Operations.Snapshot().Count(o => o.Operation == "aws.greengrass#PublishToIoTCore"));
        Assert.Equal("t/retried", scope.Nucleus.Publishes.Snapshot().Single().TopicName);
        Assert.Equal(2, scope.Nucleus.AcceptedConnections);
    }

    [Fact]
    public async Task Times_out_an_unanswered_operation_and_keeps_the_connection()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions() with { OperationTimeout = TimeSpan.FromMilliseconds(300) });
        scope.Nucleus.InjectFault("aws.greengrass#UpdateState", NucleusFault.NoResponse);

        await Assert.ThrowsAsync<IpcTimeoutException>(() => client.UpdateStateAsync(ReportedLifecycleState.Running, NucleusScope.Timeout()));
        await client.UpdateStateAsync(ReportedLifecycleState.Running, NucleusScope.Timeout());

        Assert.Equal("RUNNING", scope.Nucleus.States.Snapshot().Single().State);
        Assert.Equal(1, scope.Nucleus.AcceptedConnections);
    }

    [Fact]
    public async Task Maps_a_ServiceError_to_its_own_exception()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        scope.Nucleus.InjectFault("aws.greengrass#PublishToIoTCore", NucleusFault.ServiceError);

        var error = await Assert.ThrowsAsync<IpcServiceErrorException>(
            () => client.PublishToIoTCoreAsync("t", new byte[] { 1 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout()));

        Assert.Equal("Injected service failure.", error.ServiceMessage);
    }

    [Fact]
    public async Task Times_out_when_the_socket_accepts_but_never_sends_CONNECT_ACK()
    {
        using var folder = new TempFolder();
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        silent.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(folder.File("silent.sock")));
        silent.Listen(1);
        await using var client = new GreengrassIpcClient(new GreengrassIpcClientOptions
        {
            SocketPath = folder.File("silent.sock"),
            AuthToken = "token",
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            MaxConnectAttempts = 1,
        });

        await Assert.ThrowsAsync<IpcTimeoutException>(() => client.ConnectAsync(NucleusScope.Timeout()));
    }

    [Fact]
    public async Task Answers_the_nucleus_pings()
    {
        await using var scope = new NucleusScope();
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        await client.ConnectAsync(NucleusScope.Timeout());

        Assert.Equal(1, await scope.Nucleus.PingAllAsync(NucleusScope.Wait));
    }

    [Fact]
    public void Options_list_every_problem_together()
    {
        var problems = new GreengrassIpcClientOptions { ConnectTimeout = TimeSpan.Zero, OperationRetries = -1 }.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("SocketPath"));
        Assert.Contains(problems, p => p.Contains("AuthToken"));
        Assert.Contains(problems, p => p.Contains("ConnectTimeout"));
        Assert.Contains(problems, p => p.Contains("OperationRetries"));
        Assert.Throws<ArgumentException>(() => new GreengrassIpcClient(new GreengrassIpcClientOptions()));
    }
}

public sealed class GreengrassIpcClientEnvironmentTests
{
    [Fact]
    public async Task Builds_from_the_variables_Greengrass_sets_and_returns_null_without_them()
    {
        await using var scope = new NucleusScope();
        var previousSocket = Environment.GetEnvironmentVariable(GreengrassIpcClientOptions.SocketPathVariable);
        var previousToken = Environment.GetEnvironmentVariable(GreengrassIpcClientOptions.AuthTokenVariable);
        try
        {
            Environment.SetEnvironmentVariable(GreengrassIpcClientOptions.SocketPathVariable, null);
            Assert.Null(GreengrassIpcClient.FromEnvironment());

            Environment.SetEnvironmentVariable(GreengrassIpcClientOptions.SocketPathVariable, scope.NucleusOptions.SocketPath);
            Environment.SetEnvironmentVariable(GreengrassIpcClientOptions.AuthTokenVariable, scope.NucleusOptions.AuthToken);
            await using var client = GreengrassIpcClient.FromEnvironment(new GreengrassIpcClientOptions { OperationTimeout = TimeSpan.FromSeconds(60) });

            Assert.NotNull(client);
            await client.UpdateStateAsync(ReportedLifecycleState.Running, NucleusScope.Timeout());
            Assert.Equal("RUNNING", scope.Nucleus.States.Snapshot().Single().State);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GreengrassIpcClientOptions.SocketPathVariable, previousSocket);
            Environment.SetEnvironmentVariable(GreengrassIpcClientOptions.AuthTokenVariable, previousToken);
        }
    }

    [Fact]
    public async Task Hands_subscription_handler_failures_to_the_background_error_callback()
    {
        await using var scope = new NucleusScope(new JsonObject { ["interval"] = 5 });
        var errors = new BlockingCollection<Exception>();
        await using var client = new GreengrassIpcClient(scope.ClientOptions() with { OnBackgroundError = errors.Add });
        var calls = 0;
        await using var subscription = await client.SubscribeToConfigurationUpdateAsync(null, ["interval"], _ =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("handler bug") : Task.CompletedTask, NucleusScope.Timeout());

        await scope.Nucleus.PushConfigurationUpdate(["interval"], 6);
        Assert.True(errors.TryTake(out var error, NucleusScope.Wait));
        Assert.Equal("handler bug", error.Message);

        // The subscription keeps delivering after a failing handler.
        await scope.Nucleus.PushConfigurationUpdate(["interval"], 7);
        await Eventually.HoldsAsync(() => Volatile.Read(ref calls) == 2, NucleusScope.Wait, () => $"{calls} handler calls");
    }
}
