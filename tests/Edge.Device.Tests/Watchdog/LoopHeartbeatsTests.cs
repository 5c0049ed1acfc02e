using Edge.Device.Watchdog;

namespace Edge.Device.Tests.Watchdog;

public sealed class LoopHeartbeatsTests
{
    [Fact]
    public void A_loop_that_stops_beating_is_stalled_and_a_beat_revives_it()
    {
        var clock = new FakeTimeProvider();
        var heartbeats = new LoopHeartbeats(clock);
        heartbeats.Register("uplink", TimeSpan.FromSeconds(60));
        heartbeats.Register("outbox-writer", TimeSpan.FromHours(1));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(heartbeats.Stalled());

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["uplink"], heartbeats.Stalled());

        heartbeats.Beat("uplink");
        Assert.Empty(heartbeats.Stalled());
    }

    [Fact]
    public void A_beat_for_an_unregistered_loop_is_ignored()
    {
        var heartbeats = new LoopHeartbeats(new FakeTimeProvider());
        heartbeats.Beat("nobody");
        Assert.Empty(heartbeats.Stalled());
    }

    [Theory]
    [InlineData("30000000", 30)]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    public void The_period_comes_from_WATCHDOG_USEC(string? usec, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, SystemdWatchdog.WatchdogPeriod(usec));
}
