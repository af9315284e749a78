using System.Runtime.CompilerServices;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// The simulated camera: replays every file of a folder (sorted by name, hidden files skipped; content is not
/// filtered by extension, so a bad file reaches the decoder and is counted) with a pause between frames read
/// from <paramref name="interval"/> on each frame, so interval changes apply at once. With <paramref name="recursive"/>,
/// files in subfolders are replayed too (a dataset laid out by date and class, as the benchmark reads it). Files
/// above <paramref name="maxFileBytes"/> and anything but regular files become failed frames (see <see cref="Frame.ReadFileAsync"/>).
/// </summary>
public sealed class FolderReplaySource(string folder, Func<TimeSpan> interval, bool loop, long maxFrames = 0, bool recursive = false,
    long maxFileBytes = Frame.DefaultMaxFileBytes) : IFrameSource
{
    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long produced = 0;
        var started = false;
        do
        {
            var files = ListImages(folder, recursive);
            if (files.Count == 0)
            {
                throw new DirectoryNotFoundException($"imagesPath '{folder}' has no files to replay.");
            }

            foreach (var file in files)
            {
                if (maxFrames > 0 && produced >= maxFrames)
                {
                    yield break;
                }

                var pause = interval();
                if (started && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                started = true;
                produced++;
                yield return await Frame.ReadFileAsync(file, cancellationToken, maxFileBytes).ConfigureAwait(false);
            }
        }
        while (loop && !cancellationToken.IsCancellationRequested);
    }

    /// <summary>
    /// Regular, non-hidden files of <paramref name="folder"/> (and, when <paramref name="recursive"/>, of its
    /// non-hidden subfolders), ordinal by path relative to the folder.
    /// </summary>
    public static IReadOnlyList<string> ListImages(string folder, bool recursive = false)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"imagesPath '{folder}' does not exist.");
        }

        return Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = 0 })
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
