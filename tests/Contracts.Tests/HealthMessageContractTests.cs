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
    public void The_gate_reads_the_fields_the_health_rule_keeps_from_what_the_component_writes()
    {
        // The rule keeps named fields of the message (cdk/EdgeDeployment/Fleet/DeviceHealthStore.cs); the gate
        // reads a failing item's name, state, error and frame counts.
        var message = HealthMessage.Read(Message(ErroredTracker()));
        var item = new JsonObject
        {
            ["thingName"] = new JsonObject { ["S"] = message.ThingName },
            ["state"] = new JsonObject { ["S"] = message.State },
            ["lastError"] = new JsonObject { ["S"] = message.Model.LastError },
            ["framesSeen"] = new JsonObject { ["N"] = (message.Frames.Processed + message.Frames.Failed).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["framesFailed"] = new JsonObject { ["N"] = message.Frames.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

        var heartbeat = FailingHeartbeat.FromItem(item)!;

        Assert.Equal((23L, 3L), (heartbeat.FramesSeen, heartbeat.FramesFailed));
        Assert.Equal(ComponentStates.Errored, heartbeat.State);
        Assert.Equal("model.onnx: output [1, 84, 8400] expected", heartbeat.LastError);
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

    [Fact]
    public void A_message_without_acceptance_reads_as_none_and_the_acceptance_block_round_trips()
    {
        var old = HealthMessage.Read(JsonNode.Parse("""{"schemaVersion": 1, "state": "RUNNING"}""")!.AsObject());
        Assert.Equal(AcceptanceStatuses.None, old.Acceptance.Status);

        var tracker = new HealthTracker();
        tracker.SetState(ComponentState.ModelQualityFailed);
        tracker.SetAcceptance(new HealthAcceptance
        {
            Status = AcceptanceStatuses.Failed,
            Message = "parity 0.00 < 0.9: 12 of 12 training-side boxes not reproduced",
            Images = 16,
            Parity = 0,
            ParityThreshold = 0.9,
            ExpectedBoxes = 12,
            ExpectedRecall = 0.75,
        });

        var json = JsonNode.Parse(Message(tracker))!.AsObject();
        var message = HealthMessage.Read(json);

        Assert.Equal(ComponentStates.ModelQualityFailed, message.State);
        Assert.Equal("failed", json["acceptance"]!["status"]!.GetValue<string>());
        Assert.Equal((AcceptanceStatuses.Failed, 16, 0.0, 0.9, 12, 0.75), (message.Acceptance.Status, message.Acceptance.Images,
            message.Acceptance.Parity, message.Acceptance.ParityThreshold, message.Acceptance.ExpectedBoxes, message.Acceptance.ExpectedRecall));
        Assert.StartsWith("parity 0.00", message.Acceptance.Message, StringComparison.Ordinal);
    }
}
