using System.Text.Json;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Publishing;
using EdgeMlOps.Edge.Inference.Inference;

namespace EdgeComponent.Tests.Component;

public sealed class MessageSchemaTests
{
    [Fact]
    public void Result_message_has_the_documented_fields_and_types()
    {
        var writer = new ResultMessageWriter();
        var payload = writer.Write("thing-1", new ModelIdentity("1.0.4", "12"), "img-001.jpg",
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)), 450, 300,
            [new Detection(1, 0.87654f, new BoundingBox(10.04f, 20f, 30.06f, 40f))], ["scratch", "dent"],
            new StageLatency(1, 2, 30, 0.5), captured: true);

        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("inference-result", root.GetProperty("messageType").GetString());
        Assert.Equal("thing-1", root.GetProperty("thingName").GetString());
        Assert.Equal("1.0.4", root.GetProperty("modelComponentVersion").GetString());
        Assert.Equal("12", root.GetProperty("modelPackageVersion").GetString());
        Assert.Equal("img-001.jpg", root.GetProperty("imageId").GetString());
        Assert.Equal("2026-01-02T01:04:05.678Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(450, root.GetProperty("image").GetProperty("width").GetInt32());
        var detection = Assert.Single(root.GetProperty("detections").EnumerateArray());
        Assert.Equal(1, detection.GetProperty("classId").GetInt32());
        Assert.Equal("dent", detection.GetProperty("className").GetString());
        Assert.Equal(0.8765, detection.GetProperty("confidence").GetDouble());
        Assert.Equal(10.0, detection.GetProperty("box").GetProperty("x1").GetDouble());
        Assert.Equal(30.1, detection.GetProperty("box").GetProperty("x2").GetDouble());
        var latency = root.GetProperty("latencyMs");
        Assert.Equal(33.5, latency.GetProperty("total").GetDouble());
        Assert.Equal(["decode", "preprocess", "inference", "postprocess", "total"], latency.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("captured").GetBoolean());
    }

    [Fact]
    public void Writer_reuses_its_buffer_and_each_message_is_complete()
    {
        var writer = new ResultMessageWriter();
        _ = writer.Write("t", new ModelIdentity("1", "1"), new string('x', 500), DateTimeOffset.UnixEpoch, 1, 1, [], [], default, false);

        var second = writer.Write("t", new ModelIdentity("1", "1"), "short", DateTimeOffset.UnixEpoch, 1, 1, [], [], default, false);

        using var doc = JsonDocument.Parse(second);
        Assert.Equal("short", doc.RootElement.GetProperty("imageId").GetString());
    }

    [Fact]
    public void Health_message_has_the_documented_fields()
    {
        var tracker = new HealthTracker();
        tracker.SetState(ComponentState.Running);
        tracker.SetModelLoaded(true);
        for (var i = 1; i <= 20; i++)
        {
            tracker.FrameProcessed(detections: 1, totalMs: i, inferenceMs: i / 2.0);
        }

        tracker.FrameFailed("truncated");
        tracker.FrameFailed("truncated");
        tracker.FrameFailed("too-large");

        var payload = HealthMessageWriter.Write("thing-1", new ModelIdentity("1.0.4", "12"), tracker.Snapshot(), captureBacklog: 3,
            captureDropped: 1, DateTimeOffset.UnixEpoch);

        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("health", root.GetProperty("messageType").GetString());
        Assert.Equal("RUNNING", root.GetProperty("state").GetString());
        Assert.Equal("1.0.4", root.GetProperty("model").GetProperty("componentVersion").GetString());
        Assert.Equal("12", root.GetProperty("model").GetProperty("packageVersion").GetString());
        Assert.True(root.GetProperty("model").GetProperty("loaded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("model").GetProperty("lastError").ValueKind);
        Assert.Equal(20, root.GetProperty("frames").GetProperty("processed").GetInt64());
        Assert.Equal(3, root.GetProperty("frames").GetProperty("failed").GetInt64());
        Assert.Equal(2, root.GetProperty("failures").GetProperty("truncated").GetInt64());
        Assert.Equal(3, root.GetProperty("capture").GetProperty("backlog").GetInt32());
        Assert.Equal(0, root.GetProperty("capture").GetProperty("uploadFailures").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("capture").GetProperty("lastUploadError").ValueKind);
        Assert.Equal(10, root.GetProperty("latencyMs").GetProperty("p50").GetDouble());
        Assert.Equal(19, root.GetProperty("latencyMs").GetProperty("p95").GetDouble());
    }

    [Fact]
    public void Health_message_reports_capture_upload_failures_and_the_last_error()
    {
        var payload = HealthMessageWriter.Write("thing-1", new ModelIdentity("1.0.4", "12"), new HealthTracker().Snapshot(), captureBacklog: 40,
            captureDropped: 0, DateTimeOffset.UnixEpoch, new EdgeMlOps.Edge.Component.Capture.CaptureUploadStatus(7, 12, "HttpRequestException: Connection refused"),
            new EdgeMlOps.Edge.Component.Capture.CaptureSpoolCounts(QueueOverflow: 5, WriteFailures: 4, Rejected: 3, Duplicates: 2, Discarded: 1));

        using var doc = JsonDocument.Parse(payload);
        var capture = doc.RootElement.GetProperty("capture");
        Assert.Equal(1, doc.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(7, capture.GetProperty("uploaded").GetInt64());
        Assert.Equal(12, capture.GetProperty("uploadFailures").GetInt64());
        Assert.Equal("HttpRequestException: Connection refused", capture.GetProperty("lastUploadError").GetString());
        Assert.Equal(40, capture.GetProperty("backlog").GetInt32());
        Assert.Equal((5, 4, 3, 2, 1), (capture.GetProperty("queueOverflow").GetInt64(), capture.GetProperty("writeFailures").GetInt64(),
            capture.GetProperty("rejected").GetInt64(), capture.GetProperty("duplicates").GetInt64(), capture.GetProperty("discarded").GetInt64()));
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        var p = HealthTracker.Percentiles([5, 1, 4, 2, 3]);

        Assert.Equal(3, p.P50);
        Assert.Equal(5, p.P95);
    }
}
