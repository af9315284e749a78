using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.Ipc.Operations;

/// <summary>JSON request bodies, member names as in the Greengrass IPC model; absent members are left out.</summary>
internal static class IpcRequests
{
    public static byte[] PublishToIoTCore(string topicName, ReadOnlyMemory<byte> payload, IoTCoreQos qos) =>
        Serialize(new JsonObject
        {
            ["topicName"] = topicName,
            // The model's QOS enum is a string: "0" (at most once) or "1" (at least once).
            ["qos"] = qos == IoTCoreQos.AtLeastOnce ? "1" : "0",
            // Blob members travel base64-encoded.
            ["payload"] = Convert.ToBase64String(payload.Span),
        });

    public static byte[] ComponentKeyPath(string? componentName, IReadOnlyList<string> keyPath)
    {
        var body = new JsonObject { ["keyPath"] = new JsonArray([.. keyPath.Select(k => JsonValue.Create(k))]) };
        if (componentName is not null)
        {
            body["componentName"] = componentName;
        }

        return Serialize(body);
    }

    public static byte[] UpdateState(ReportedLifecycleState state) =>
        Serialize(new JsonObject
        {
            ["state"] = state switch
            {
                ReportedLifecycleState.Running => "RUNNING",
                ReportedLifecycleState.Errored => "ERRORED",
                _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Only RUNNING and ERRORED can be reported."),
            },
        });

    private static byte[] Serialize(JsonObject body) => JsonSerializer.SerializeToUtf8Bytes(body);
}
