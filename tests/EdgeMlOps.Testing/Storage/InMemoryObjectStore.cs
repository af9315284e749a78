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

    /// <summary>A store of the given objects (any order; keys must be unique).</summary>
    /// <exception cref="ArgumentException">A key occurs twice.</exception>
    public InMemoryObjectStore(IEnumerable<ListedObject> objects)
    {
        var all = objects.ToArray();
        _keys = [.. all.Select(o => o.Key)];
        _sizes = [.. all.Select(o => o.Size)];
        _modified = [.. all.Select(o => o.LastModified)];
        var order = Enumerable.Range(0, _keys.Length).ToArray();
        var sorted = true;
        for (var i = 1; i < _keys.Length && sorted; i++)
        {
            sorted = string.CompareOrdinal(_keys[i - 1], _keys[i]) < 0;
        }

        if (!sorted)
        {
            Array.Sort((string[])_keys.Clone(), order, StringComparer.Ordinal);
            _keys = [.. order.Select(i => all[i].Key)];
            _sizes = [.. order.Select(i => all[i].Size)];
            _modified = [.. order.Select(i => all[i].LastModified)];
            for (var i = 1; i < _keys.Length; i++)
            {
                if (_keys[i - 1] == _keys[i])
                {
                    throw new ArgumentException($"The key '{_keys[i]}' occurs twice.", nameof(objects));
                }
            }
        }
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
    public async IAsyncEnumerable<ListedObject> ListLevelAsync(
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
                Interlocked.Increment(ref _returned);
                yield return new ListedObject(_keys[i], _sizes[i], _modified[i]);
                i++;
                continue;
            }

            var folder = _keys[i][..(slash + 1)];
            yield return new ListedObject(folder, 0, DateTime.MinValue);
            i = FirstAtOrAfter(folder[..^1] + (char)('/' + 1)); // the first key past the folder
        }
    }

    private int FirstAtOrAfter(string key)
    {
        var index = Array.BinarySearch(_keys, key, StringComparer.Ordinal);
        return index >= 0 ? index : ~index;
    }
}
