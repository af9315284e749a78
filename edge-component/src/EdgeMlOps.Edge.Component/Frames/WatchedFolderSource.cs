using System.Runtime.CompilerServices;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// Yields each file that appears in a folder after start (a camera or another process writing JPEGs). Polls the
/// folder, and takes a file only once its size has stopped changing between two polls, so half-written files are
/// not read. Files present when the source is created are ignored unless <paramref name="includeExisting"/>: that
/// set is fixed in the constructor, not at the first poll, so a file written after the source started is always
/// yielded however late the reader begins.
/// </summary>
public sealed class WatchedFolderSource(string folder, TimeSpan pollInterval, bool includeExisting = false, long maxFrames = 0,
    long maxFileBytes = Frame.DefaultMaxFileBytes) : IFrameSource
{
    private readonly string[] _existing = includeExisting ? [] : [.. ExistingFiles(folder)];

    private static IReadOnlyList<string> ExistingFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        return FolderReplaySource.ListImages(folder);
    }

    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var seen = new HashSet<string>(_existing, StringComparer.Ordinal);
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);

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
                yield return await Frame.ReadFileAsync(file, cancellationToken, maxFileBytes).ConfigureAwait(false);
                if (maxFrames > 0 && produced >= maxFrames)
                {
                    yield break;
                }
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
