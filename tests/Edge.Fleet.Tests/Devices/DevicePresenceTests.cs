using Edge.Fleet.Devices;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Devices;

public sealed class DevicePresenceTests : IDisposable
{
    private readonly TempFolder _folder = new("presence");
    private readonly LitePresenceStore _store;
    private readonly DevicePresence _presence;

    public DevicePresenceTests()
    {
        _store = new LitePresenceStore(_folder["presence.db"]);
        _presence = new DevicePresence(_store, TimeProvider.System, NullLogger<DevicePresence>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Online_status_brings_the_device_online()
    {
        Assert.True(await ObserveAsync("dev-a", Status(true, "s1"), "client-1"));

        Assert.True((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Repeated_online_of_the_same_session_changes_nothing()
    {
        await ObserveAsync("dev-a", Status(true, "s1"), "client-1");

        Assert.False(await ObserveAsync("dev-a", Status(true, "s1"), "client-1"));
        Assert.True((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Late_will_of_an_old_session_leaves_the_new_session_online()
    {
        await ObserveAsync("dev-a", Status(true, "s1"), "client-1");
        await ObserveAsync("dev-a", Status(true, "s2"), "client-2");

        await ObserveAsync("dev-a", Status(false, "s1"), null);

        Assert.True((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Offline_of_the_current_session_takes_the_device_offline()
    {
        await ObserveAsync("dev-a", Status(true, "s1"), "client-1");
        Assert.True((await SnapshotAsync())["dev-a"].Online);

        await ObserveAsync("dev-a", Status(false, "s1"), null);
        await ObserveAsync("dev-a", Status(false, "s1"), null);

        Assert.False((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Disconnect_of_the_client_that_announced_the_current_session_takes_the_device_offline()
    {
        await ObserveAsync("dev-a", Status(true, "s1"), "client-1");

        await _presence.ClientDisconnectedAsync("client-1", CancellationToken.None);

        Assert.False((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Disconnect_of_an_old_client_leaves_the_new_session_online()
    {
        await ObserveAsync("dev-a", Status(true, "s1"), "client-1");
        await ObserveAsync("dev-a", Status(true, "s2"), "client-2");

        await _presence.ClientDisconnectedAsync("client-1", CancellationToken.None);
        await _presence.ClientDisconnectedAsync("client-unknown", CancellationToken.None);

        Assert.True((await SnapshotAsync())["dev-a"].Online);
    }

    [Fact]
    public async Task Another_writer_of_the_store_shows_once_the_cache_has_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var presence = new DevicePresence(_store, time, NullLogger<DevicePresence>.Instance);
        Assert.Empty(await presence.SnapshotAsync(CancellationToken.None));

        await _store.MarkOnlineAsync("dev-a", "s1", time.GetUtcNow(), CancellationToken.None);
        Assert.Empty(await presence.SnapshotAsync(CancellationToken.None));

        time.Advance(DevicePresence.CacheFor);
        Assert.True((await presence.SnapshotAsync(CancellationToken.None))["dev-a"].Online);
    }

    private Task<bool> ObserveAsync(string device, DeviceStatus status, string? clientId) =>
        _presence.ObserveAsync(device, status, clientId, CancellationToken.None);

    private Task<IReadOnlyDictionary<string, Presence>> SnapshotAsync() => _presence.SnapshotAsync(CancellationToken.None);

    private static DeviceStatus Status(bool online, string session) => new(online, session, DateTimeOffset.UtcNow);
}
