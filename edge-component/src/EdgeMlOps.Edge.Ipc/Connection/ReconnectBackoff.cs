namespace EdgeMlOps.Edge.Ipc.Connection;

/// <summary>
/// Exponential backoff with "equal jitter": each delay is half the current step plus a random part of the
/// other half, so clients restarted together do not reconnect in lockstep, yet never retry immediately.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private TimeSpan _step;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), $"Need 0 < initial ({initial}) <= max ({max}).");
        }

        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
        _step = initial;
    }

    public TimeSpan NextDelay()
    {
        var half = _step / 2;
        var delay = half + (half * _random.NextDouble());
        _step = _step * 2 > _max ? _max : _step * 2;
        return delay;
    }

    public void Reset() => _step = _initial;
}
