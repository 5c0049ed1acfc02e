using Edge.Fleet.Devices;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Devices;

public sealed class DevicePresenceTests : IDisposable
{
    private readonly TempFolder _folder = new("presence");
    private readonly LitePresenceStore _store;
    private readonly CountingPresenceStore _counting;
    private readonly DevicePresence _presence;

    public DevicePresenceTests()
    {
        _store = new LitePresenceStore(_folder["presence.db"]);
        _counting = new CountingPresenceStore(_store);
        _presence = new DevicePresence(_counting, TimeProvider.System, NullLogger<DevicePresence>.Instance);
    }

    public void Dispose()
    {
        _presence.Dispose();
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
        using var presence = new DevicePresence(_store, time, NullLogger<DevicePresence>.Instance);
        Assert.Empty(await presence.SnapshotAsync(CancellationToken.None));

        await _store.MarkOnlineAsync("dev-a", "s1", time.GetUtcNow(), CancellationToken.None);
        Assert.Empty(await presence.SnapshotAsync(CancellationToken.None));

        time.Advance(DevicePresence.CacheFor);
        Assert.True((await presence.SnapshotAsync(CancellationToken.None))["dev-a"].Online);
    }

    [Fact]
    public async Task What_this_node_wrote_shows_at_once_though_the_cache_is_young()
    {
        // Whole seconds: the store keeps milliseconds.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var presence = new DevicePresence(_store, time, NullLogger<DevicePresence>.Instance);
        Assert.Empty(await presence.SnapshotAsync(CancellationToken.None));

        Assert.True(await presence.ObserveAsync("dev-a", Status(true, "s1"), "client-1", CancellationToken.None));
        Assert.Equal(new Presence(true, "s1", time.GetUtcNow()), (await presence.SnapshotAsync(CancellationToken.None))["dev-a"]);

        time.Advance(TimeSpan.FromSeconds(1));
        await presence.ClientDisconnectedAsync("client-1", CancellationToken.None);
        Assert.Equal(new Presence(false, "s1", time.GetUtcNow()), (await presence.SnapshotAsync(CancellationToken.None))["dev-a"]);

        time.Advance(DevicePresence.CacheFor);
        Assert.Equal(new Presence(false, "s1", time.GetUtcNow().Add(-DevicePresence.CacheFor)), (await presence.SnapshotAsync(CancellationToken.None))["dev-a"]);
    }

    [Fact]
    public async Task Statuses_of_many_devices_at_once_are_written_together_and_each_device_keeps_its_last()
    {
        var observed = new List<Task<bool>>();
        for (var i = 0; i < 300; i++)
        {
            // Not awaited one by one, as the broker's status lanes hand them over.
            observed.Add(ObserveAsync($"dev-{i}", Status(true, "s1"), $"client-{i}"));
            observed.Add(ObserveAsync($"dev-{i}", Status(true, "s2"), $"client-{i}b"));
            observed.Add(_presence.ClientDisconnectedAsync($"client-{i}", CancellationToken.None).ContinueWith(_ => false, TaskScheduler.Default));
            observed.Add(ObserveAsync($"dev-{i}", Status(false, "s1"), null));
        }

        await Task.WhenAll(observed);

        Assert.All(Enumerable.Range(0, 300), i => Assert.True(observed[i * 4].Result && observed[(i * 4) + 1].Result && !observed[(i * 4) + 3].Result));
        var stored = await _store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(300, stored.Count);
        Assert.All(stored.Values, p => Assert.Equal((true, "s2"), (p.Online, p.Session)));
        Assert.InRange(_counting.Writes, 1, 120);
    }

    private Task<bool> ObserveAsync(string device, DeviceStatus status, string? clientId) =>
        _presence.ObserveAsync(device, status, clientId, CancellationToken.None);

    private Task<IReadOnlyDictionary<string, Presence>> SnapshotAsync() => _presence.SnapshotAsync(CancellationToken.None);

    private static DeviceStatus Status(bool online, string session) => new(online, session, DateTimeOffset.UtcNow);

    /// <summary>Counts the writes that reach the store.</summary>
    private sealed class CountingPresenceStore(IPresenceStore inner) : IPresenceStore
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public Task<IReadOnlyList<bool>> ApplyAsync(IReadOnlyList<PresenceChange> changes, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return inner.ApplyAsync(changes, cancellationToken);
        }

        public Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);
    }
}
