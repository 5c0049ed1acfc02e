using Edge.DeviceProtocol;

namespace Edge.Device.Tests.DeviceProtocol;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_stay_within_a_cap_that_doubles_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(7));
        var caps = new[] { 100, 200, 400, 800, 1600, 2000, 2000 };

        foreach (var cap in caps)
        {
            var delay = backoff.NextDelay();
            Assert.InRange(delay.TotalMilliseconds, 0, cap);
        }
    }

    [Fact]
    public void Delays_are_jittered_not_in_step()
    {
        var delays = Enumerable.Range(0, 50).Select(i =>
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(i));
            backoff.NextDelay();
            return backoff.NextDelay().TotalMilliseconds;
        }).ToList();

        Assert.True(delays.Distinct().Count() > 40);
        Assert.True(delays.Min() < 1000 && delays.Max() > 1000, "full jitter spreads over [0, cap]");
    }

    [Fact]
    public void Reset_starts_again_from_the_minimum()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), new Random(1));
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.InRange(backoff.NextDelay().TotalMilliseconds, 0, 10);
    }
}
