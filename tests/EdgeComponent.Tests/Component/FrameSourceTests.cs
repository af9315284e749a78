using EdgeComponent.Tests.Support;
using EdgeMlOps.Edge.Component.Frames;

namespace EdgeComponent.Tests.Component;

public sealed class FrameSourceTests
{
    [Fact]
    public async Task Folder_replay_yields_every_non_hidden_file_in_name_order_and_loops()
    {
        using var folder = new TempFolder();
        folder.File("b.jpg", [2]);
        folder.File("a.jpg", [1]);
        folder.File(".hidden", [9]);
        folder.File("c.jpg_0", [3]);

        var ids = new List<string>();
        await foreach (var frame in new FolderReplaySource(folder.Path, () => TimeSpan.Zero, loop: true, maxFrames: 5).ReadFramesAsync(CancellationToken.None))
        {
            using (frame)
            {
                ids.Add($"{frame.ImageId}:{frame.Data[0]}");
            }
        }

        Assert.Equal(["a.jpg:1", "b.jpg:2", "c.jpg_0:3", "a.jpg:1", "b.jpg:2"], ids);
    }

    [Fact]
    public void Recursive_listing_includes_subfolders_in_path_order_and_skips_hidden_folders()
    {
        using var folder = new TempFolder();
        folder.File("z.jpg", [1]);
        Directory.CreateDirectory(Path.Combine(folder.Path, "day", "bad"));
        Directory.CreateDirectory(Path.Combine(folder.Path, ".cache"));
        File.WriteAllBytes(Path.Combine(folder.Path, "day", "bad", "a.jpg"), [2]);
        File.WriteAllBytes(Path.Combine(folder.Path, ".cache", "x.jpg"), [3]);

        var flat = FolderReplaySource.ListImages(folder.Path).Select(f => Path.GetRelativePath(folder.Path, f));
        var recursive = FolderReplaySource.ListImages(folder.Path, recursive: true).Select(f => Path.GetRelativePath(folder.Path, f));

        Assert.Equal(["z.jpg"], flat);
        Assert.Equal([Path.Combine("day", "bad", "a.jpg"), "z.jpg"], recursive);
    }

    [Fact]
    public void Project_copy_of_the_dataset_holds_all_200_images_for_the_benchmark()
    {
        var files = FolderReplaySource.ListImages(Path.Combine(RepositoryPaths.Root, "tests", "data", "dataset", "images"), recursive: true);

        Assert.Equal(200, files.Count);
        Assert.Equal(8, files.Count(f => Path.GetExtension(f).StartsWith(".jpg_", StringComparison.Ordinal)));
        Assert.All(files, f => Assert.Equal([0xFF, 0xD8, 0xFF], File.ReadAllBytes(f).AsSpan(0, 3).ToArray()));
    }

    [Fact]
    public async Task Watched_folder_yields_only_new_files_once_their_size_is_stable()
    {
        using var folder = new TempFolder();
        folder.File("old.jpg", [1]);
        var source = new WatchedFolderSource(folder.Path, TimeSpan.FromMilliseconds(20), maxFrames: 2);
        var ids = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(timeout.Token))
            {
                using (frame)
                {
                    ids.Add($"{frame.ImageId}:{frame.Length}");
                }
            }
        });
        await Task.Delay(100);
        folder.File("new-1.jpg", [1, 2, 3]);
        await Eventually.TrueAsync(() => ids.Count == 1, "the first new file");
        folder.File("new-2.jpg", [4, 5]);
        await reading;

        Assert.Equal(["new-1.jpg:3", "new-2.jpg:2"], ids);
    }

    [Fact]
    public async Task Unreadable_file_becomes_a_frame_with_a_read_failure()
    {
        var frame = await Frame.ReadFileAsync("/nonexistent/frame.jpg", CancellationToken.None);

        Assert.NotNull(frame.ReadFailure);
        Assert.Equal(0, frame.Length);
    }
}
