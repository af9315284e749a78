using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>A <c>PublishToIoTCore</c> request as the nucleus received it (payload already base64-decoded).</summary>
public sealed record PublishedMessage(string ComponentName, string TopicName, string Qos, byte[] Payload)
{
    /// <summary>When the nucleus received it (set on creation), as IoT Core's timestamp() would see it.</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>An <c>UpdateState</c> request.</summary>
public sealed record ReportedState(string ComponentName, string State)
{
    /// <summary>When the nucleus received it (set on creation).</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Any operation request: its <c>operation</c> header, stream id and JSON body.</summary>
public sealed record ReceivedOperation(int ConnectionId, int StreamId, string Operation, JsonNode? Request);
