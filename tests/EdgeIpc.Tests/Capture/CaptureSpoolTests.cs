using System.Text;
using EdgeIpc.Tests.Support;
using EdgeMlOps.Contracts;
using EdgeMlOps.Edge.Capture;

namespace EdgeIpc.Tests.Capture;

public sealed class CaptureSpoolTests : IDisposable
{
    private readonly TempFolder _folder = new();

    internal static byte[] Image(string content) => Encoding.UTF8.GetBytes("\xFF\xD8 fake jpeg " + content);

    internal static CaptureMetadata Metadata(string reason = "uncertain", DateTimeOffset? at = null) => new()
    {
        ThingName = "edge-device-01",
        ModelVersion = "model-7",
        CapturedAt = at ?? new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero),
        Reason = reason,
        BestConfidence = 0.42f,
        Detections = [new CaptureDetection("scratch", 0.42f, 0.1f, 0.2f, 0.3f, 0.4f)],
    };

    private CaptureSpool Open(int maxEntries = 100, long maxBytes = 10_000_000) =>
        CaptureSpool.Open(new CaptureSpoolOptions { Directory = _folder.File("spool"), MaxEntries = maxEntries, MaxBytes = maxBytes });

    [Fact]
    public void Commits_image_and_sidecar_together_in_one_entry()
    {
        var spool = Open();

        var result = spool.Enqueue(Image("a"), Metadata());

        Assert.Equal(CaptureEnqueueOutcome.Stored, result.Outcome);
        var entry = Assert.Single(spool.Pending());
        Assert.Equal(Image("a"), File.ReadAllBytes(entry.ImagePath));
        var sidecar = CaptureSpool.ReadMetadata(entry);
        Assert.Equal(("edge-device-01", "model-7", "scratch"), (sidecar.ThingName, sidecar.ModelVersion, sidecar.Detections.Single().Label));
        Assert.Equal(entry.Sha256, sidecar.ImageSha256);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.File("spool/tmp")));
        Assert.Equal(new FileInfo(entry.ImagePath).Length + new FileInfo(entry.MetadataPath).Length, spool.BacklogBytes);
    }

    [Fact]
    public void Keeps_the_optional_result_message_and_leaves_absent_members_out_of_the_sidecar()
    {
        var spool = Open();
        using var result = System.Text.Json.JsonDocument.Parse("{\"detections\":[{\"label\":\"scratch\"}]}");

        var entry = spool.Enqueue(Image("a"), Metadata() with { ImageId = "frame-0001.jpg", InferenceResult = result.RootElement.Clone() }).Entry!;

        var sidecarText = File.ReadAllText(entry.MetadataPath);
        Assert.DoesNotContain("modelPackageVersion", sidecarText);
        var sidecar = CaptureSpool.ReadMetadata(entry);
        Assert.Equal("frame-0001.jpg", sidecar.ImageId);
        Assert.Equal("scratch", sidecar.InferenceResult!.Value.GetProperty("detections")[0].GetProperty("label").GetString());
    }

    [Fact]
    public void Refuses_the_same_image_twice()
    {
        var spool = Open();
        spool.Enqueue(Image("a"), Metadata());

        var again = spool.Enqueue(Image("a"), Metadata(reason: "random-sample"));

        Assert.Equal(CaptureEnqueueOutcome.Duplicate, again.Outcome);
        Assert.Equal(1, spool.Backlog);
        Assert.Equal(1, spool.DuplicateCount);
    }

    [Fact]
    public void Refuses_an_image_already_uploaded_even_after_a_restart()
    {
        var spool = Open();
        var entry = spool.Enqueue(Image("a"), Metadata()).Entry!;
        Assert.True(spool.MarkUploaded(entry));

        var reopened = Open();

        Assert.Equal(0, reopened.Backlog);
        Assert.Equal(CaptureEnqueueOutcome.Duplicate, reopened.Enqueue(Image("a"), Metadata()).Outcome);
    }

    [Fact]
    public void Drops_the_oldest_entries_when_the_entry_quota_is_full_and_counts_them_across_restarts()
    {
        var spool = Open(maxEntries: 3);

        var results = Enumerable.Range(0, 5).Select(i => spool.Enqueue(Image("frame " + i), Metadata())).ToList();

        Assert.All(results, r => Assert.Equal(CaptureEnqueueOutcome.Stored, r.Outcome));
        Assert.Equal([0, 0, 0, 1, 1], results.Select(r => r.DroppedOldest));
        Assert.Equal(3, spool.Backlog);
        Assert.Equal(2, spool.DroppedCount);
        Assert.Equal(results.Skip(2).Select(r => r.Entry!.Sha256), spool.Pending().Select(e => e.Sha256));
        Assert.Equal(2, Open(maxEntries: 3).DroppedCount);
    }

    [Fact]
    public void Drops_as_many_old_entries_as_the_byte_quota_needs()
    {
        var big = new string('x', 1000);
        var spool = Open(maxBytes: 4000);
        spool.Enqueue(Image("1" + big), Metadata());
        spool.Enqueue(Image("2" + big), Metadata());

        var result = spool.Enqueue(Image("3" + big + big), Metadata());

        Assert.True(result.DroppedOldest >= 1);
        Assert.True(spool.BacklogBytes <= 4000);
        Assert.Equal(result.DroppedOldest, spool.DroppedCount);
        Assert.Equal(result.Entry!.Sha256, spool.Pending().Last().Sha256);
    }

    [Fact]
    public void Rejects_and_counts_a_frame_larger_than_the_whole_quota()
    {
        var spool = Open(maxBytes: 500);
        spool.Enqueue(Image("small"), Metadata());

        var result = spool.Enqueue(new byte[600], Metadata());

        Assert.Equal(CaptureEnqueueOutcome.Rejected, result.Outcome);
        Assert.Equal(1, spool.RejectedCount);
        Assert.Equal(1, spool.Backlog);
    }

    [Fact]
    public void Reopens_with_the_backlog_in_order_and_discards_unfinished_writes()
    {
        var spool = Open();
        var first = spool.Enqueue(Image("a"), Metadata()).Entry!;
        var second = spool.Enqueue(Image("b"), Metadata()).Entry!;
        // A crash between writing the image and the commit rename leaves a folder in tmp/.
        var torn = Directory.CreateDirectory(_folder.File("spool/tmp/torn-write"));
        File.WriteAllBytes(Path.Combine(torn.FullName, SpoolEntry.ImageFileName), Image("c"));

        var reopened = Open();
        var third = reopened.Enqueue(Image("d"), Metadata()).Entry!;

        Assert.Equal([first.Sha256, second.Sha256, third.Sha256], reopened.Pending().Select(e => e.Sha256));
        Assert.True(third.Sequence > second.Sequence);
        Assert.False(Directory.Exists(torn.FullName));
    }

    [Fact]
    public void Options_list_every_problem_together()
    {
        var problems = new CaptureSpoolOptions { Directory = " ", MaxBytes = 0, MaxEntries = 0, RememberedUploads = -1 }.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Throws<ArgumentException>(() => CaptureSpool.Open(new CaptureSpoolOptions { Directory = "" }));
    }

    public void Dispose() => _folder.Dispose();
}
