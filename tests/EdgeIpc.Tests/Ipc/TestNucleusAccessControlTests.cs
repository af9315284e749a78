using System.Text.Json.Nodes;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Edge.Ipc;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeIpc.Tests.Ipc;

/// <summary>The test nucleus authorises PublishToIoTCore from the component's accessControl, like the real nucleus.</summary>
public sealed class TestNucleusAccessControlTests
{
    private const string Publish = "aws.greengrass#PublishToIoTCore";

    private static MqttProxyAccessControl Policy(string[] resources, string[]? operations = null) => MqttProxyAccessControl.FromPolicies(
        new JsonObject
        {
            ["com.edgemlops.Inference:mqttproxy:1"] = new JsonObject
            {
                ["operations"] = new JsonArray([.. (operations ?? [Publish]).Select(o => (JsonNode)o)]),
                ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
            },
        },
        "cam-7");

    [Theory]
    [InlineData("edgemlops/{iot:thingName}/inference/results", "edgemlops/cam-7/inference/results")]
    [InlineData("edgemlops/+/inference/results", "edgemlops/cam-9/inference/results")]
    [InlineData("edgemlops/{iot:thingName}/#", "edgemlops/cam-7/inference/health")]
    [InlineData("edgemlops/{iot:thingName}/#", "edgemlops/cam-7")]
    [InlineData("#", "any/topic/at/all")]
    [InlineData("edgemlops/*/results", "edgemlops/a/b/results")]
    public void Allows_a_topic_a_resource_matches(string resource, string topic) =>
        Assert.True(Policy([resource]).Allows(Publish, topic));

    [Theory]
    [InlineData("edgemlops/{iot:thingName}/inference/results", "edgemlops/cam-8/inference/results")] // another device's topic
    [InlineData("edgemlops/{iot:thingName}/inference/results", "edgemlops/cam-7/inference/results/extra")]
    [InlineData("edgemlops/+/inference/results", "edgemlops/a/b/inference/results")] // + is exactly one level
    [InlineData("edgemlops/{iot:thingName}/#", "edgemlops/cam-70/inference")]
    [InlineData("edgemlops/cam-7/results", "edgemlops/cam-7/Results")] // case-sensitive, like MQTT
    [InlineData("edgemlops/cam.7/results", "edgemlops/cam-7/results")] // resource characters are literal
    public void Refuses_a_topic_no_resource_matches(string resource, string topic) =>
        Assert.False(Policy([resource]).Allows(Publish, topic));

    [Fact]
    public void Refuses_an_operation_the_policy_does_not_list_and_allows_the_star_operation()
    {
        Assert.False(Policy(["#"], ["aws.greengrass#SubscribeToIoTCore"]).Allows(Publish, "a/b"));
        Assert.True(Policy(["#"], ["*"]).Allows(Publish, "a/b"));
    }

    [Fact]
    public void Refuses_everything_without_an_access_control_block()
    {
        Assert.False(MqttProxyAccessControl.FromComponentConfiguration(new JsonObject { ["resultsTopic"] = "a/b" }, "cam-7").Allows(Publish, "a/b"));
        Assert.False(MqttProxyAccessControl.FromComponentConfiguration(null, "cam-7").Allows(Publish, "a/b"));
    }

    [Fact]
    public async Task Enforcing_nucleus_refuses_publishes_outside_the_components_policy_with_UnauthorizedError()
    {
        var configuration = new JsonObject
        {
            ["accessControl"] = new JsonObject
            {
                [MqttProxyAccessControl.ServiceKey] = new JsonObject
                {
                    ["com.edgemlops.Inference:mqttproxy:1"] = new JsonObject
                    {
                        ["operations"] = new JsonArray(Publish),
                        ["resources"] = new JsonArray("edgemlops/{iot:thingName}/inference/results"),
                    },
                },
            },
        };
        await using var scope = new NucleusScope(configuration, enforceAccessControl: true);
        await using var client = new GreengrassIpcClient(scope.ClientOptions());

        await client.PublishToIoTCoreAsync("edgemlops/cam-7/inference/results", new byte[] { 1 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());
        var error = await Assert.ThrowsAsync<IpcUnauthorizedException>(
            () => client.PublishToIoTCoreAsync("edgemlops/cam-7/elsewhere", new byte[] { 2 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout()));

        Assert.Equal(Publish, error.Operation);
        Assert.Contains("edgemlops/cam-7/elsewhere", error.ServiceMessage, StringComparison.Ordinal);
        Assert.Equal(["edgemlops/cam-7/inference/results"], scope.Nucleus.Publishes.Snapshot().Select(p => p.TopicName));

        // A configuration merge that widens the policy applies to the next request, as in the nucleus.
        await scope.Nucleus.PushConfigurationUpdate(["accessControl", MqttProxyAccessControl.ServiceKey, "com.edgemlops.Inference:mqttproxy:1", "resources"],
            new JsonArray("edgemlops/{iot:thingName}/#"));
        await client.PublishToIoTCoreAsync("edgemlops/cam-7/elsewhere", new byte[] { 3 }, IoTCoreQos.AtLeastOnce, NucleusScope.Timeout());
    }
}
