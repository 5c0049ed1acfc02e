using Edge.Fleet.Broker;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Tests.Support;
using Edge.Wire;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// The one mechanism every embedded store uses to survive a full disk (<see cref="Fleet.Store.Lite.ReopeningLiteFile{TView}"/>),
/// shown on three stores of different shapes: presence (not durable, background writes), health (a transaction per
/// batch, collections with indexes) and the registry (durable, shared by several stores). Each: refuses with a
/// <see cref="StoreUnavailableException"/> naming it, is reported down once however many calls fail, does not touch
/// the disk again before the backoff, reopens by itself with what was committed before, and leaves no finalizer behind
/// that would kill the process at the next garbage collection (<see cref="FullDiskOutage"/>; the queue, alert, rollout and
/// centre-LAN stores go through the same checks in their own test classes).
/// </summary>
public sealed class ReopeningLiteFileTests
{
    private static readonly DateTimeOffset Now = FullDiskOutage.Start;

    private readonly FullDiskOutage _outage = new();

    [Fact]
    public async Task Presence_store_on_a_full_disk_answers_unavailable_and_reopens_by_itself_once_space_is_back()
    {
        using var store = new LitePresenceStore("presence.db", _outage.Outages, _outage.Opening);
        await store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None);

        await _outage.ShowsOutageAndRecoveryAsync(
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
        using var store = new LiteHealthStore("health.db", _outage.Outages, _outage.Opening);
        await store.AppendAsync([Sample("dev-a", Now)], CancellationToken.None);

        await _outage.ShowsOutageAndRecoveryAsync(
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
        using var db = new RegistryFile("registry.db", _outage.Outages, _outage.Opening);
        var devices = new LiteDeviceStore(db);
        db.Write(() => db.Collection<RegisteredDevice>(LiteDeviceStore.Collection).Insert(Device("dev-a")));

        await _outage.ShowsOutageAndRecoveryAsync(
            "registry",
            () => devices.RecordSeenAsync(new Dictionary<string, DateTime> { ["dev-a"] = Now.UtcDateTime }, CancellationToken.None),
            async () =>
            {
                var found = await devices.FindAsync("dev-a", CancellationToken.None);
                Assert.Equal(Now.UtcDateTime, found?.LastSeenAt);
            });
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
