using EdgeMlOps.Edge.Ipc.Connection;

namespace EdgeIpc.Tests.Ipc;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_double_with_jitter_up_to_the_maximum_and_restart_after_a_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800), new Random(42));
        var steps = new[] { 100, 200, 400, 800, 800, 800 };

        foreach (var step in steps)
        {
            var delay = backoff.NextDelay().TotalMilliseconds;
            Assert.InRange(delay, step / 2.0, step);
        }

        backoff.Reset();
        Assert.InRange(backoff.NextDelay().TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void Jitter_spreads_clients_that_start_together()
    {
        var delays = Enumerable.Range(0, 20)
            .Select(seed => new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(seed)).NextDelay())
            .Distinct()
            .Count();

        Assert.True(delays > 10, $"only {delays} distinct first delays out of 20");
    }

    [Fact]
    public void Fails_if_the_maximum_is_below_the_initial_delay()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
