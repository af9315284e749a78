namespace EdgeMlOps.Edge.Capture;

/// <summary>Exponential backoff with equal jitter (half fixed, half random) between failed uploads.</summary>
internal sealed class UploadBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _step;

    public UploadBackoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _step = initial;
    }

    public TimeSpan NextDelay()
    {
        var half = _step / 2;
        var delay = half + (half * Random.Shared.NextDouble());
        _step = _step * 2 > _max ? _max : _step * 2;
        return delay;
    }

    public void Reset() => _step = _initial;
}
