using Edge.Fleet.Devices;
using Edge.Wire;

namespace Edge.Fleet.Tests.Devices;

public sealed class DevicePresenceTests
{
    private readonly DevicePresence _presence = new(TimeProvider.System);

    [Fact]
    public void Online_status_brings_the_device_online()
    {
        Assert.True(_presence.Observe("dev-a", Status(true, "s1"), "client-1"));

        Assert.True(_presence.Snapshot()["dev-a"].Online);
    }

    [Fact]
    public void Repeated_online_of_the_same_session_changes_nothing()
    {
        _presence.Observe("dev-a", Status(true, "s1"), "client-1");

        Assert.False(_presence.Observe("dev-a", Status(true, "s1"), "client-1"));
        Assert.True(_presence.Snapshot()["dev-a"].Online);
    }

    [Fact]
    public void Late_will_of_an_old_session_leaves_the_new_session_online()
    {
        _presence.Observe("dev-a", Status(true, "s1"), "client-1");
        _presence.Observe("dev-a", Status(true, "s2"), "client-2");

        _presence.Observe("dev-a", Status(false, "s1"), null);

        Assert.True(_presence.Snapshot()["dev-a"].Online);
    }

    [Fact]
    public void Offline_of_the_current_session_takes_the_device_offline()
    {
        _presence.Observe("dev-a", Status(true, "s1"), "client-1");

        _presence.Observe("dev-a", Status(false, "s1"), null);
        _presence.Observe("dev-a", Status(false, "s1"), null);

        Assert.False(_presence.Snapshot()["dev-a"].Online);
    }

    [Fact]
    public void Disconnect_of_the_client_that_announced_the_current_session_takes_the_device_offline()
    {
        _presence.Observe("dev-a", Status(true, "s1"), "client-1");

        _presence.ClientDisconnected("client-1");

        Assert.False(_presence.Snapshot()["dev-a"].Online);
    }

    [Fact]
    public void Disconnect_of_an_old_client_leaves_the_new_session_online()
    {
        _presence.Observe("dev-a", Status(true, "s1"), "client-1");
        _presence.Observe("dev-a", Status(true, "s2"), "client-2");

        _presence.ClientDisconnected("client-1");
        _presence.ClientDisconnected("client-unknown");

        Assert.True(_presence.Snapshot()["dev-a"].Online);
    }

    private static DeviceStatus Status(bool online, string session) => new(online, session, DateTimeOffset.UtcNow);
}
