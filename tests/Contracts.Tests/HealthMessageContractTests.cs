using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.EdgeDeployment.EvaluateFleetHealth;

namespace Contracts.Tests;

/// <summary>The component's health message, through the IoT rule's table item, into the health gate.</summary>
public sealed class HealthMessageContractTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static HealthTracker ErroredTracker()
    {
        var tracker = new HealthTracker();
        tracker.SetState(ComponentState.Errored);
        tracker.SetModelLoaded(false);
        tracker.Error("model.onnx: output [1, 84, 8400] expected");
        for (var i = 0; i < 20; i++)
        {
            tracker.FrameProcessed(detections: 2, totalMs: 10, inferenceMs: 5);
        }

        tracker.FrameFailed("corruptImage");
        tracker.FrameFailed("corruptImage");
        tracker.FrameFailed("inference");
        return tracker;
    }

    private static byte[] Message(HealthTracker tracker) =>
        HealthMessageWriter.Write("press-01", new ModelIdentity("4.0.0", "4"), tracker.Snapshot(), captureBacklog: 3, captureDropped: 1,
            s_now.AddSeconds(-5), new CaptureUploadStatus(7, 2, "timeout"));

    [Fact]
    public void The_gate_reads_what_the_component_writes()
    {
        var item = DynamoDbItems.FromHealthMessage(Message(ErroredTracker()), "press-01", s_now.AddSeconds(-4));

        var heartbeat = DeviceHeartbeat.FromItem("press-01", item)!;

        Assert.Null(heartbeat.Unreadable);
        Assert.Equal((23L, 3L), (heartbeat.Frames, heartbeat.Failures));
        Assert.Equal("4.0.0", heartbeat.ModelComponentVersion);
        Assert.Equal(ComponentStates.Errored, heartbeat.State);
        Assert.Equal("model.onnx: output [1, 84, 8400] expected", heartbeat.LastError);
        Assert.Equal(s_now.AddSeconds(-4), heartbeat.ReceivedAt);
    }

    [Fact]
    public void The_contract_type_reads_every_field_the_component_writes()
    {
        var message = HealthMessage.Read(Message(ErroredTracker()));

        Assert.Equal((HealthMessage.CurrentSchemaVersion, HealthMessage.Type, "press-01"), (message.SchemaVersion, message.MessageType, message.ThingName));
        Assert.Equal(s_now.AddSeconds(-5).UtcDateTime, message.Timestamp);
        Assert.Equal(("4.0.0", "4", false), (message.Model.ComponentVersion, message.Model.PackageVersion, message.Model.Loaded));
        Assert.Equal((20L, 3L, 40L), (message.Frames.Processed, message.Frames.Failed, message.Frames.Detections));
        Assert.Equal(2, message.Failures["corruptImage"]);
        Assert.Equal((3L, 1L, 7L, 2L, "timeout"), (message.Capture.Backlog, message.Capture.Dropped, message.Capture.Uploaded,
            message.Capture.UploadFailures, message.Capture.LastUploadError));
        Assert.Equal(20, message.LatencyMs.WindowFrames);
        Assert.Equal(10, message.LatencyMs.P50);
    }

    [Fact]
    public void Every_component_state_is_a_contract_state()
    {
        var contractStates = typeof(ComponentStates).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();

        foreach (var state in Enum.GetValues<ComponentState>())
        {
            var tracker = new HealthTracker();
            tracker.SetState(state);
            Assert.Contains(HealthMessage.Read(Message(tracker)).State, contractStates);
        }
    }

    [Fact]
    public void The_gate_flags_a_heartbeat_of_an_unknown_major_version_and_waits_instead_of_guessing()
    {
        var message = JsonNode.Parse(Message(new HealthTracker()))!.AsObject();
        message["schemaVersion"] = 2;
        var item = DynamoDbItems.FromHealthMessage(System.Text.Encoding.UTF8.GetBytes(message.ToJsonString()), "press-01", s_now);

        var heartbeat = DeviceHeartbeat.FromItem("press-01", item)!;
        var verdict = HealthGate.Evaluate(new HealthGateInput("canary", s_now, "4.0.0",
            [new DeviceObservation("press-01", "SUCCEEDED", "HEALTHY", heartbeat)], new WatchState(0, 0), HealthGateSettings.Default));

        Assert.Equal("health message has schemaVersion 2; this reader supports 1", heartbeat.Unreadable);
        Assert.Equal(Verdict.Wait, verdict.Verdict);
        Assert.Contains("press-01: health heartbeat unreadable: health message has schemaVersion 2", verdict.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messageType": "health"}""", "health message has schemaVersion (missing); this reader supports 1")]
    [InlineData("""{"schemaVersion": "2.0", "messageType": "health"}""", "health message has schemaVersion \"2.0\"; this reader supports 1")]
    [InlineData("""{"schemaVersion": 1, "messageType": "inference-result"}""", "expected a health message, got messageType 'inference-result'")]
    [InlineData("""{"schemaVersion": 1, "frames": {"processed": "many"}}""", "health message field 'frames.processed' is invalid")]
    public void Fails_to_read_a_message_this_version_does_not_know(string json, string expected)
    {
        var error = Assert.Throws<UnsupportedMessageException>(() => HealthMessage.Read(JsonNode.Parse(json)!.AsObject()));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_later_minor_version_with_fields_it_does_not_know()
    {
        var message = HealthMessage.Read(JsonNode.Parse("""{"schemaVersion": "1.4", "state": "RUNNING", "gpu": {"temperature": 71}}""")!.AsObject());

        Assert.Equal(ComponentStates.Running, message.State);
    }
}
