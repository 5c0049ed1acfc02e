using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// The one mechanism every embedded store uses to survive a full disk (<see cref="Fleet.Store.Lite.ReopeningLiteFile{TView}"/>),
/// shown on three stores of different shapes: presence (not durable, background writes), health (a transaction per
/// batch, collections with indexes) and the registry (durable, shared by several stores). Each: refuses with a
/// <see cref="StoreUnavailableException"/> naming it, is reported down once however many calls fail, does not touch
/// the disk again before the backoff, reopens by itself with what was committed before, and leaves no finalizer behind
/// that would kill the process at the next garbage collection.
/// </summary>
public sealed class ReopeningLiteFileTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    private readonly FullDisk _disk = new();
    private readonly ManualTime _time = new(Now);
    private readonly StoreOutages _outages;

    public ReopeningLiteFileTests()
    {
        _outages = new StoreOutages(NullLogger<StoreOutages>.Instance, _time);
    }

    [Fact]
    public async Task Presence_store_on_a_full_disk_answers_unavailable_and_reopens_by_itself_once_space_is_back()
    {
        using var store = new LitePresenceStore("presence.db", _outages, _disk.Opening(_time, FirstRetry));
        await store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None);

        await ShowsOutageAndRecoveryAsync(
            "presence",
            () => store.MarkOnlineAsync("dev-b", "s1", Now, CancellationToken.None),
            async () =>
            {
                var all = await store.ReadAllAsync(CancellationToken.None);
                Assert.True(all["dev-a"].Online, "what was written before the outage is still there");
                Assert.True(all["dev-b"].Online);
            });
    }

    [Fact]
    public async Task Health_store_on_a_full_disk_answers_unavailable_and_reopens_by_itself_once_space_is_back()
    {
        using var store = new LiteHealthStore("health.db", _outages, _disk.Opening(_time, FirstRetry));
        await store.AppendAsync([Sample("dev-a", Now)], CancellationToken.None);

        await ShowsOutageAndRecoveryAsync(
            "health",
            () => store.AppendAsync([Sample("dev-b", Now)], CancellationToken.None),
            async () =>
            {
                var latest = await store.LatestAsync(CancellationToken.None);
                Assert.Equal(["dev-a", "dev-b"], latest.Select(s => s.DeviceId).Order(StringComparer.Ordinal));
                Assert.Single(await store.HistoryAsync("dev-a", Now.AddHours(-1), Now.AddHours(1), 10, CancellationToken.None));
            });
    }

    [Fact]
    public async Task Registry_on_a_full_disk_answers_unavailable_and_reopens_by_itself_once_space_is_back()
    {
        using var db = new RegistryDatabase("registry.db", _outages, _disk.Opening(_time, FirstRetry));
        var devices = new LiteDeviceStore(db);
        db.Write(() => db.Collection<RegisteredDevice>(LiteDeviceStore.Collection).Insert(Device("dev-a")));

        await ShowsOutageAndRecoveryAsync(
            "registry",
            () => devices.RecordSeenAsync(new Dictionary<string, DateTime> { ["dev-a"] = Now.UtcDateTime }, CancellationToken.None),
            async () =>
            {
                var found = await devices.FindAsync("dev-a", CancellationToken.None);
                Assert.Equal(Now.UtcDateTime, found?.LastSeenAt);
            });
    }

    /// <summary>
    /// Fills the disk, checks that <paramref name="write"/> is refused the way the fleet answers it (503 naming the store,
    /// one outage, calls counted), frees the disk, and checks that the same write then succeeds and <paramref name="check"/>
    /// sees both what was written before the outage and after it.
    /// </summary>
    private async Task ShowsOutageAndRecoveryAsync(string store, Func<Task> write, Func<Task> check)
    {
        _disk.Full = true;
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(write);
        Assert.Contains($"the {store} store", refused.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);

        // A background job retrying in a loop: refused at once, no new attempt on the disk, one outage.
        var opens = _disk.Opens;
        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(write);
        }

        Assert.Equal(opens, _disk.Opens);
        var down = Assert.Single(_outages.Snapshot(), s => s.Name == store);
        Assert.NotNull(down.Reason);
        Assert.Equal(1, down.Outages);
        Assert.True(down.Refused >= 51, $"every refused call is counted (got {down.Refused})");
        Assert.Contains(store, _outages.Problem(), StringComparison.Ordinal);

        // The given-up engine left no transaction whose finalizer throws (that kills the process, not the test).
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Space back, but before the backoff has passed nothing is tried.
        _disk.Full = false;
        _time.Advance(FirstRetry / 2);
        await Assert.ThrowsAsync<StoreUnavailableException>(write);
        Assert.Equal(opens, _disk.Opens);

        _time.Advance(FirstRetry);
        await write();
        await check();
        Assert.True(_disk.Opens > opens, "the file was opened again");
        var up = Assert.Single(_outages.Snapshot(), s => s.Name == store);
        Assert.Null(up.Reason);
        Assert.Null(_outages.Problem());
    }

    private static HealthSample Sample(string device, DateTimeOffset at) =>
        new(device, at, new HealthReport { At = at, UptimeMs = 1000, Run = "r1" });

    private static RegisteredDevice Device(string id) => new()
    {
        Id = id,
        Centre = "hcc-1",
        Counter = "1",
        SecretHash = "hash",
        Status = DeviceStates.Active,
        CreatedAt = Now.UtcDateTime,
    };
}
