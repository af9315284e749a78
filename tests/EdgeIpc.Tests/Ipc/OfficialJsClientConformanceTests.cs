using System.Text;
using System.Text.Json.Nodes;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Edge.Ipc;

namespace EdgeIpc.Tests.Ipc;

/// <summary>
/// The official Greengrass IPC client for JavaScript (aws-iot-device-sdk-v2, on aws-crt's native event-stream code)
/// talks to the test nucleus, and the project's C# client does the same against the same nucleus: the nucleus's
/// framing and message shapes are the real ones, and so are the C# client's.
/// </summary>
public sealed class OfficialJsClientConformanceTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2); // hang guard

    private static Dictionary<string, string> GreengrassEnvironment(NucleusScope scope, string token) => new()
    {
        [GreengrassIpcClientOptions.SocketPathVariable] = scope.NucleusOptions.SocketPath,
        [GreengrassIpcClientOptions.AuthTokenVariable] = token,
    };

    [Fact]
    public async Task Official_JS_client_publishes_reads_configuration_reports_state_and_receives_an_update()
    {
        await using var scope = new NucleusScope(new JsonObject { ["thresholds"] = new JsonObject { ["confidence"] = 0.6 } });
        await using var js = NodeScript.Start("ipc-conformance.js", ["edgemlops/js/results", "hello from js", "thresholds"],
            GreengrassEnvironment(scope, scope.NucleusOptions.AuthToken));

        Assert.Equal("connect", (await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString());
        Assert.Equal("publish", (await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString());
        var config = await js.NextStepAsync(StepTimeout);
        Assert.Equal("getConfiguration", config.GetProperty("step").GetString());
        Assert.Equal("com.edgemlops.Inference", config.GetProperty("componentName").GetString());
        Assert.Equal(0.6, config.GetProperty("value").GetProperty("confidence").GetDouble());
        Assert.Equal("updateState", (await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString());
        Assert.Equal("subscribed", (await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString());

        Assert.Equal(1, await scope.Nucleus.PushConfigurationUpdate(["thresholds", "confidence"], 0.7));
        var update = await js.NextStepAsync(StepTimeout);
        Assert.Equal("configurationUpdate", update.GetProperty("step").GetString());
        Assert.Equal(["thresholds", "confidence"], update.GetProperty("keyPath").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(0, await js.WaitForExitAsync(StepTimeout));

        var published = scope.Nucleus.Publishes.Snapshot().Single();
        Assert.Equal(("edgemlops/js/results", "1", "hello from js"), (published.TopicName, published.Qos, Encoding.UTF8.GetString(published.Payload)));
        Assert.Equal("RUNNING", scope.Nucleus.States.Snapshot().Single().State);
    }

    [Fact]
    public async Task Official_JS_client_is_refused_when_the_token_is_wrong()
    {
        await using var scope = new NucleusScope();
        await using var js = NodeScript.Start("ipc-conformance.js", ["--connect-only"], GreengrassEnvironment(scope, "wrong-token"));

        var connect = await js.NextStepAsync(StepTimeout);

        Assert.False(connect.GetProperty("ok").GetBoolean());
        Assert.Contains("connack", connect.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, scope.Nucleus.RejectedConnections);
    }

    [Fact]
    public async Task Official_JS_client_and_the_CSharp_client_publish_through_the_same_nucleus()
    {
        await using var scope = new NucleusScope(new JsonObject { ["thresholds"] = new JsonObject { ["confidence"] = 0.5 } });
        await using var client = new GreengrassIpcClient(scope.ClientOptions());
        await client.PublishToIoTCoreAsync("edgemlops/cs/results", Encoding.UTF8.GetBytes("hello from c#"), IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        await using var js = NodeScript.Start("ipc-conformance.js", ["edgemlops/js/results", "hello from js", "thresholds"],
            GreengrassEnvironment(scope, scope.NucleusOptions.AuthToken));
        while ((await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString() != "subscribed")
        {
        }

        await scope.Nucleus.PushConfigurationUpdate(["thresholds", "confidence"], 0.55);
        Assert.Equal("configurationUpdate", (await js.NextStepAsync(StepTimeout)).GetProperty("step").GetString());
        await client.PublishToIoTCoreAsync("edgemlops/cs/results", Encoding.UTF8.GetBytes("still here"), IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());

        Assert.Equal(["edgemlops/cs/results", "edgemlops/js/results", "edgemlops/cs/results"], scope.Nucleus.Publishes.Snapshot().Select(p => p.TopicName));
        Assert.Equal(2, scope.Nucleus.AcceptedConnections);
    }
}
