using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Testing.Storage;

/// <summary>
/// A bucket listing held in memory (keys in ascending ordinal order, as S3 lists them), for listings too large for
/// s3rver: a million objects build in about a second. It follows ListObjectsV2's documented behaviour for what the
/// scan uses: keys under a prefix after StartAfter (exclusive), and common prefixes for delimiter '/'. It does not
/// model pagination costs, eventual consistency or request latency; it counts the keys it returned.
/// </summary>
public sealed class InMemoryObjectStore : IObjectLister
{
    private readonly string[] _keys;
    private readonly long[] _sizes;
    private readonly DateTime[] _modified;
    private long _returned;

    /// <summary>A store of the given objects (any order; duplicates keep the last).</summary>
    public InMemoryObjectStore(IEnumerable<ListedObject> objects)
    {
        var sorted = objects.GroupBy(o => o.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(o => o.Key, StringComparer.Ordinal).ToArray();
        _keys = [.. sorted.Select(o => o.Key)];
        _sizes = [.. sorted.Select(o => o.Size)];
        _modified = [.. sorted.Select(o => o.LastModified)];
    }

    /// <summary>Objects in the store.</summary>
    public int Count => _keys.Length;

    /// <summary>Keys returned by <see cref="ListAsync"/> so far (what a real listing would have transferred).</summary>
    public long ReturnedKeys => Interlocked.Read(ref _returned);

    /// <inheritdoc />
    public async IAsyncEnumerable<ListedObject> ListAsync(
        string bucket, string prefix, string? startAfter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var from = FirstAtOrAfter(prefix);
        if (startAfter is not null && string.CompareOrdinal(startAfter, prefix) >= 0)
        {
            from = FirstAtOrAfter(startAfter);
            if (from < _keys.Length && _keys[from] == startAfter)
            {
                from++;
            }
        }

        for (var i = from; i < _keys.Length && _keys[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _returned);
            yield return new ListedObject(_keys[i], _sizes[i], _modified[i]);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListFoldersAsync(
        string bucket, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var i = FirstAtOrAfter(prefix);
        while (i < _keys.Length && _keys[i].StartsWith(prefix, StringComparison.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slash = _keys[i].IndexOf('/', prefix.Length);
            if (slash < 0)
            {
                i++;
                continue;
            }

            var folder = _keys[i][..(slash + 1)];
            yield return folder;
            i = FirstAtOrAfter(folder[..^1] + (char)('/' + 1)); // the first key past the folder
        }
    }

    private int FirstAtOrAfter(string key)
    {
        var index = Array.BinarySearch(_keys, key, StringComparer.Ordinal);
        return index >= 0 ? index : ~index;
    }
}
