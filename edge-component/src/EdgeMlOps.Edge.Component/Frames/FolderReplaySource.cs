using System.Runtime.CompilerServices;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// The simulated camera: replays every file of a folder (sorted by name, hidden files skipped; content is not
/// filtered by extension, so a bad file reaches the decoder and is counted) with a pause between frames read
/// from <paramref name="interval"/> on each frame, so interval changes apply at once.
/// </summary>
public sealed class FolderReplaySource(string folder, Func<TimeSpan> interval, bool loop, long maxFrames = 0) : IFrameSource
{
    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long produced = 0;
        var started = false;
        do
        {
            var files = ListImages(folder);
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
                yield return await Frame.ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }
        while (loop && !cancellationToken.IsCancellationRequested);
    }

    /// <summary>Regular, non-hidden files of <paramref name="folder"/>, ordinal by name.</summary>
    public static IReadOnlyList<string> ListImages(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"imagesPath '{folder}' does not exist.");
        }

        return Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
