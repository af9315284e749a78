using System.Runtime.CompilerServices;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// Yields each file that appears in a folder after start (a camera or another process writing JPEGs). Polls the
/// folder, and takes a file only once its size has stopped changing between two polls, so half-written files are
/// not read. Files present at start are ignored unless <paramref name="includeExisting"/>.
/// </summary>
public sealed class WatchedFolderSource(string folder, TimeSpan pollInterval, bool includeExisting = false, long maxFrames = 0) : IFrameSource
{
    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!includeExisting)
        {
            seen.UnionWith(FolderReplaySource.ListImages(folder));
        }

        long produced = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var file in FolderReplaySource.ListImages(folder))
            {
                if (seen.Contains(file))
                {
                    continue;
                }

                long size;
                try
                {
                    size = new FileInfo(file).Length;
                }
                catch (IOException)
                {
                    continue;
                }

                if (!pending.TryGetValue(file, out var previous) || previous != size)
                {
                    pending[file] = size; // wait one more poll for the writer to finish
                    continue;
                }

                pending.Remove(file);
                seen.Add(file);
                produced++;
                yield return await Frame.ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
                if (maxFrames > 0 && produced >= maxFrames)
                {
                    yield break;
                }
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
