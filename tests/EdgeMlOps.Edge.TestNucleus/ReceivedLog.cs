namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>An append-only, thread-safe record of what the nucleus received, with waits for tests.</summary>
public sealed class ReceivedLog<T>
{
    private readonly object _lock = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Done, TaskCompletionSource Signal)> _waiters = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _items];
        }
    }

    /// <summary>Waits for the first item matching <paramref name="predicate"/> (already received or not).</summary>
    public async Task<T> WaitForAsync(Func<T, bool> predicate, TimeSpan timeout)
    {
        await WaitUntilAsync(items => items.Any(predicate), timeout, "an item matching the predicate").ConfigureAwait(false);
        return Snapshot().First(predicate);
    }

    /// <summary>Waits until at least <paramref name="count"/> items have been received and returns them all.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(items => items.Count >= count, timeout, $"{count} items").ConfigureAwait(false);
        return Snapshot();
    }

    internal void Add(T item)
    {
        List<TaskCompletionSource> ready = [];
        lock (_lock)
        {
            _items.Add(item);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Done(_items))
                {
                    ready.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready.ForEach(signal => signal.TrySetResult());
    }

    private async Task WaitUntilAsync(Func<IReadOnlyList<T>, bool> done, TimeSpan timeout, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (done(_items))
            {
                return;
            }

            _waiters.Add((done, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; received {_items.Count} item(s).");
            }
        }
    }
}
