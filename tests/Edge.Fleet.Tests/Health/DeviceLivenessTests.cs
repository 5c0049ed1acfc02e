using Edge.Fleet.Devices;
using Edge.Fleet.Health;

namespace Edge.Fleet.Tests.Health;

public sealed class DeviceLivenessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(90);

    [Fact]
    public void Connected_device_with_fresh_heartbeats_is_online()
    {
        var liveness = DeviceLiveness.Judge(new Presence(true, "s1", Now.AddMinutes(-10)), Now.AddSeconds(-20), null, Now, Silence);

        Assert.True(liveness.Online);
        Assert.Equal(DeviceLiveness.Connected, liveness.Reason);
    }

    [Fact]
    public void Three_missed_heartbeats_make_a_device_offline_even_while_the_broker_thinks_it_is_connected()
    {
        var liveness = DeviceLiveness.Judge(new Presence(true, "s1", Now.AddMinutes(-10)), Now.AddSeconds(-91), null, Now, Silence);

        Assert.False(liveness.Online);
        Assert.Equal(DeviceLiveness.Silent, liveness.Reason);
        Assert.Equal(Now.AddSeconds(-91), liveness.LastSeen);
    }

    [Fact]
    public void Will_makes_a_device_offline_when_nothing_was_heard_after_it()
    {
        var liveness = DeviceLiveness.Judge(new Presence(false, "s1", Now.AddSeconds(-5)), Now.AddSeconds(-6), Now.AddSeconds(-30), Now, Silence);

        Assert.False(liveness.Online);
        Assert.Equal(DeviceLiveness.Disconnected, liveness.Reason);
    }

    [Fact]
    public void Heartbeat_after_a_will_keeps_the_device_online()
    {
        // A will delivered late (or out of order through another broker path) is older than the latest heartbeat.
        var liveness = DeviceLiveness.Judge(new Presence(false, "s1", Now.AddSeconds(-20)), Now.AddSeconds(-2), null, Now, Silence);

        Assert.True(liveness.Online);
    }

    [Fact]
    public void Stored_events_count_as_signs_of_life_without_heartbeats()
    {
        var liveness = DeviceLiveness.Judge(null, null, Now.AddSeconds(-10), Now, Silence);

        Assert.True(liveness.Online);
    }

    [Fact]
    public void Device_never_heard_of_is_offline()
    {
        Assert.Equal(DeviceLiveness.NeverSeen, DeviceLiveness.Judge(null, null, null, Now, Silence).Reason);
    }
}
