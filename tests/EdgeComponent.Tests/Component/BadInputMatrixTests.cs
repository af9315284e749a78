using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Component.Configuration;
using EdgeMlOps.Edge.Component.Frames;
using EdgeMlOps.Edge.Component.Health;
using EdgeMlOps.Edge.Component.Hosting;

namespace EdgeComponent.Tests.Component;

/// <summary>
/// The bad inputs a camera line and its operators produce, each followed by good frames: every one ends as the
/// README documents it (a counted reason or ERRORED), the component keeps running, and the good frames after a bad
/// one are processed. The damaged ONNX Runtime library cases run the packaged app in its own process (see
/// InferenceComponentPackagerTests), since a process loads ONNX Runtime once.
/// </summary>
[Collection(OnnxCollection.Name)]
public sealed class BadInputMatrixTests(OnnxFixture onnx)
{
    private const string ResultsTopic = "edgemlops/matrix/inference/results";
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private ComponentSettings Settings(string images, string? model = null) => new()
    {
        ThingName = "matrix",
        ModelPath = model ?? onnx.KnownOutputModel,
        ImagesPath = images,
        Loop = false,
        OnnxRuntimeLibraryPath = RepositoryPaths.OnnxRuntimeX64,
        ModelRetrySeconds = 1,
        Runtime = new RuntimeSettings { FrameIntervalMs = 0, HealthIntervalSeconds = 3600, Capture = new CaptureSettings { SampleFraction = 0 } },
    };

    private static ComponentHost Host(ComponentSettings settings, RecordingPublisher publisher, IFrameSource? source = null) => new(new ComponentHostProps
    {
        Settings = settings,
        Configuration = new StaticRuntimeConfigurationSource(settings.Runtime),
        Publisher = publisher,
        FrameSource = source,
        Log = new ComponentLog(TextWriter.Null),
    });

    [Fact]
    public async Task Each_bad_file_is_counted_under_its_reason_and_the_good_frame_after_it_is_processed()
    {
        using var folder = new TempFolder();
        var good = TestImages.SolidJpeg(128, 64);
        var bad = new (string Name, Action<string> Create, string Reason)[]
        {
            ("zero-byte.jpg", p => File.WriteAllBytes(p, []), "empty-file"),
            ("truncated.jpg", p => File.WriteAllBytes(p, TestImages.TruncatedJpeg()), "truncated"),
            ("png.jpg", p => File.WriteAllBytes(p, TestImages.Png()), "unsupported-format"),
            ("text.jpg", p => File.WriteAllText(p, "not an image\n"), "unsupported-format"),
            ("header-60000x60000.jpg", p => File.WriteAllBytes(p, TestImages.HugeHeaderJpeg(60_000, 60_000)), "too-large"),
            ("header-width-65535.jpg", p => File.WriteAllBytes(p, TestImages.WithHeaderSize(TestImages.SolidJpeg(64, 48), 65535, 48)), "corrupt"),
            ("header-height-0.jpg", p => File.WriteAllBytes(p, TestImages.WithHeaderSize(TestImages.SolidJpeg(64, 48), 64, 0)), "corrupt"),
            ("cmyk.jpg", p => File.WriteAllBytes(p, TestImages.CmykJpeg()), "unsupported-format"),
            ("fifo.jpg", MakeFifo, "unsupported-file"),
            ("symlink-loop.jpg", p => File.CreateSymbolicLink(p, p), "unsupported-file"),
            // 3 GB, sparse: refused from its size before a byte is read (it used to be read whole, then overflow).
            ("oversized-3gb.jpg", p =>
            {
                using var file = File.Create(p);
                file.SetLength(3L * 1024 * 1024 * 1024);
            }, "too-large"),
        };
        var expectedResults = new List<string>();
        for (var i = 0; i < bad.Length; i++)
        {
            bad[i].Create(Path.Combine(folder.Path, $"{i:D2}-a-{bad[i].Name}"));
            folder.File($"{i:D2}-b-good.jpg", good);
            expectedResults.Add($"{i:D2}-b-good.jpg");
        }

        // Unusual but valid frames are processed; a directory named .jpg is not a frame at all.
        folder.File("90-one-pixel.jpg", TestImages.SolidJpeg(1, 1));
        folder.File("91-greyscale.jpg", TestImages.SolidJpeg(450, 300, 90, 90, 90, greyscale: true));
        folder.File("92-progressive.jpg", TestImages.SolidJpeg(450, 300, progressive: true));
        Directory.CreateDirectory(Path.Combine(folder.Path, "93-directory.jpg"));
        folder.File("94-good.jpg", good);
        expectedResults.AddRange(["90-one-pixel.jpg", "91-greyscale.jpg", "92-progressive.jpg", "94-good.jpg"]);
        var publisher = new RecordingPublisher();
        var host = Host(Settings(folder.Path), publisher);

        // Bounded: before the fix a FIFO blocked the producer forever.
        await host.RunAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(expectedResults, publisher.On(ResultsTopic).Select(r => r.RootElement.GetProperty("imageId").GetString()));
        var snapshot = host.Health.Snapshot();
        Assert.Equal(bad.GroupBy(b => b.Reason).ToDictionary(g => g.Key, g => (long)g.Count()), snapshot.FailuresByReason);
        Assert.Equal(bad.Length, snapshot.FramesFailed);
        Assert.All(publisher.On(ResultsTopic).Where(r => r.RootElement.GetProperty("imageId").GetString()!.EndsWith("-b-good.jpg", StringComparison.Ordinal)),
            r => Assert.Equal(3, r.RootElement.GetProperty("detections").GetArrayLength()));
    }

    [Fact]
    public async Task File_deleted_before_it_is_read_is_unreadable_and_the_next_frame_is_processed()
    {
        using var folder = new TempFolder();
        var gone = folder.File("a-gone.jpg", TestImages.SolidJpeg(64, 64));
        var next = folder.File("b-good.jpg", TestImages.SolidJpeg(64, 64, r: 1));
        var publisher = new RecordingPublisher();
        // The listing still names the file; it disappears before the read.
        var host = Host(Settings(folder.Path), publisher, new ListedFilesSource([gone, next], beforeRead: p => { if (p == gone) File.Delete(p); }));

        await host.RunAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(new Dictionary<string, long> { ["unreadable"] = 1 }, host.Health.Snapshot().FailuresByReason);
        Assert.Equal(["b-good.jpg"], publisher.On(ResultsTopic).Select(r => r.RootElement.GetProperty("imageId").GetString()));
    }

    [Fact]
    public async Task Directory_named_like_a_jpeg_is_an_unsupported_file_when_read_directly()
    {
        using var folder = new TempFolder();
        var directory = Path.Combine(folder.Path, "frame.jpg");
        Directory.CreateDirectory(directory);

        using var frame = await Frame.ReadFileAsync(directory, CancellationToken.None);

        Assert.Equal(EdgeMlOps.Edge.Inference.Imaging.ImageFailureReason.UnsupportedFile, frame.FailureReason);
        Assert.Contains("directory", frame.ReadFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_onnx_model_is_errored_naming_the_file_and_retried_until_a_valid_model_replaces_it()
    {
        using var folder = new TempFolder();
        folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        var model = folder.File("model/model.onnx", "this is not a protobuf"u8.ToArray());
        var publisher = new RecordingPublisher();
        var host = Host(Settings(folder.Path, model) with { Loop = true }, publisher);
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => host.Health.Snapshot().LastError?.Contains(model, StringComparison.Ordinal) == true, "the non-ONNX model reported");
        Assert.Equal(ComponentState.Errored, host.Health.State);
        Assert.False(run.IsCompleted);

        File.Copy(onnx.KnownOutputModel, model, overwrite: true);
        await Eventually.TrueAsync(() => host.Health.Snapshot().FramesProcessed >= 1, "frames processed once the model is valid");
        await stop.CancelAsync();
        await run.WaitAsync(Bound);
    }

    [Fact]
    public async Task Stop_completes_even_while_the_frame_source_is_blocked_in_a_read_that_ignores_cancellation()
    {
        using var folder = new TempFolder();
        using var release = new ManualResetEventSlim();
        var frame = folder.File("frame.jpg", TestImages.SolidJpeg(128, 64));
        var publisher = new RecordingPublisher();
        var host = Host(Settings(folder.Path), publisher, new ListedFilesSource([frame, frame], beforeRead: _ => { }, blockAfterFirst: release));
        using var stop = new CancellationTokenSource();

        var run = host.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => host.Health.Snapshot().FramesProcessed == 1, "the first frame");
        await stop.CancelAsync();
        // The source stays blocked (a hung NFS read, a driver ignoring cancellation); the host must still return.
        await run.WaitAsync(Bound);
        release.Set();

        Assert.Equal(ComponentState.Stopping, host.Health.State);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Reads a fixed list of paths through the real file reader, as a folder listing that went stale would.</summary>
    private sealed class ListedFilesSource(IReadOnlyList<string> paths, Action<string> beforeRead, ManualResetEventSlim? blockAfterFirst = null) : IFrameSource
    {
        public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < paths.Count; i++)
            {
                if (i > 0 && blockAfterFirst is not null)
                {
                    blockAfterFirst.Wait(); // deliberately not cancellable
                }

                beforeRead(paths[i]);
                yield return await Frame.ReadFileAsync(paths[i], cancellationToken);
            }
        }
    }
}
