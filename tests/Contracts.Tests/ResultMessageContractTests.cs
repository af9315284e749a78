using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Component.Capture;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Inference;

namespace Contracts.Tests;

/// <summary>The component's per-frame result message and the capture sidecar that embeds it.</summary>
public sealed class ResultMessageContractTests
{
    private static ReadOnlyMemory<byte> Write(ResultMessageWriter writer) =>
        writer.Write("cam-1", new ModelIdentity("1.0.4", "12"), "img-001.jpg", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            450, 300, [new Detection(1, 0.87654f, new BoundingBox(10, 20, 110, 70))], ["scratch", "dent"], new StageLatency(1, 2, 30, 0.5), captured: true);

    [Fact]
    public void The_contract_type_reads_what_the_fast_writer_writes()
    {
        var message = InferenceResultMessage.Read(Write(new ResultMessageWriter()).Span);

        Assert.Equal(("cam-1", "1.0.4", "12", "img-001.jpg"), (message.ThingName, message.ModelComponentVersion, message.ModelPackageVersion, message.ImageId));
        Assert.Equal(new DateTime(2026, 1, 2, 1, 4, 5, DateTimeKind.Utc), message.Timestamp);
        Assert.Equal((450, 300), (message.Image.Width, message.Image.Height));
        var detection = Assert.Single(message.Detections);
        Assert.Equal((1, "dent", 0.8765), (detection.ClassId, detection.ClassName, detection.Confidence));
        Assert.Equal((10.0, 20.0, 110.0, 70.0), (detection.Box.X1, detection.Box.Y1, detection.Box.X2, detection.Box.Y2));
        Assert.Equal(33.5, message.LatencyMs.Total);
        Assert.True(message.Captured);
    }

    [Fact]
    public void Every_name_the_writer_writes_is_a_member_of_the_contract_type()
    {
        var written = JsonNode.Parse(Write(new ResultMessageWriter()).Span)!;
        var roundTripped = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(InferenceResultMessage.Read(written.AsObject()), MessageSchema.Json))!;

        Assert.Equal(Names(written), Names(roundTripped));
    }

    [Fact]
    public void Fails_to_read_a_result_of_an_unknown_major_version()
    {
        var message = JsonNode.Parse(Write(new ResultMessageWriter()).Span)!.AsObject();
        message["schemaVersion"] = 3;

        var error = Assert.Throws<UnsupportedMessageException>(() => InferenceResultMessage.Read(message));

        Assert.Equal("inference-result message has schemaVersion 3; this reader supports 1", error.Message);
    }

    [Fact]
    public void The_capture_sidecar_embeds_the_result_and_normalises_the_boxes()
    {
        var result = Write(new ResultMessageWriter());
        var sidecar = CaptureSidecar.Build("img-001.jpg", "cam-1", DateTimeOffset.UnixEpoch, CaptureReason.Uncertain, 0.45f, new ModelIdentity("1.0.4", "12"),
            result.Span, 200, 100, [new Detection(0, 0.45f, new BoundingBox(20, 10, 120, 60))], ["scratch"]);

        var read = CaptureMetadata.Read(sidecar.ToJsonBytes());

        Assert.Equal(CaptureReasons.Uncertain, read.Reason);
        var box = Assert.Single(read.Detections);
        Assert.Equal(("scratch", 0.1f, 0.1f, 0.5f, 0.5f), (box.Label, box.X, box.Y, box.Width, box.Height));
        var embedded = InferenceResultMessage.Read(JsonNode.Parse(read.InferenceResult!.Value.GetRawText())!.AsObject());
        Assert.Equal("img-001.jpg", embedded.ImageId);
    }

    private static List<string> Names(JsonNode node, string path = "") => node switch
    {
        JsonObject o => o.SelectMany(p => new[] { path + p.Key }.Concat(p.Value is null ? [] : Names(p.Value, path + p.Key + "."))).Order(StringComparer.Ordinal).ToList(),
        JsonArray a => a.Where(e => e is not null).SelectMany(e => Names(e!, path + "[].")).Distinct().ToList(),
        _ => [],
    };
}
