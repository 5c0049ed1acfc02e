using Edge.Device;
using Edge.Device.Clock;
using Edge.Wire;

namespace Edge.Device.Tests.Clock;

public sealed class HostClockTests
{
    [Fact]
    public void Events_carry_the_run_the_uptime_and_whether_the_wall_clock_was_synchronised()
    {
        var wall = new SimulatedClock();
        var clock = new HostClock(wall, wall);

        var synced = clock.Event(EventKinds.Rating);
        wall.Set(TimeSpan.FromDays(-1000), synced: false);
        var behind = clock.Event(EventKinds.Rating);

        Assert.True(synced.ClockSynced);
        Assert.False(behind.ClockSynced);
        Assert.Equal(clock.Run, synced.Run);
        Assert.Equal(clock.Run, behind.Run);
        Assert.Matches("^[0-9a-f]{8}$", clock.Run);
        Assert.InRange(synced.At - behind.At, TimeSpan.FromDays(1000) - TimeSpan.FromSeconds(5), TimeSpan.FromDays(1000));
        Assert.True(behind.UptimeMs >= synced.UptimeMs);
        Assert.Equal(0, behind.Seq);
    }

    [Fact]
    public void Each_start_of_the_host_is_a_new_run()
    {
        var wall = new SimulatedClock();
        Assert.NotEqual(new HostClock(wall, wall).Run, new HostClock(wall, wall).Run);
    }
}
