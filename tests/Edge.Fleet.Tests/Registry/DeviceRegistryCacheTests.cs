using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Store.Changes;
using Edge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Fleet.Tests.Registry;

/// <summary>The registry's in-memory devices: reloaded on a change notice; "last seen" written in batches.</summary>
public sealed class DeviceRegistryCacheTests
{
    [Fact]
    public async Task A_reconnect_storm_of_ten_thousand_devices_costs_one_write_at_the_next_flush()
    {
        var store = new CountingDeviceStore(Enumerable.Range(0, 10_000).Select(i => Device($"dev-{i}")));
        var registry = new DeviceRegistry(store, new InProcessChangeFeed(), TimeProvider.System, NullLogger<DeviceRegistry>.Instance);

        foreach (var device in store.Devices.Keys.ToList())
        {
            registry.Seen(device);
        }

        Assert.Equal(0, store.SeenWrites);
        Assert.NotNull(registry.Find("dev-42")!.LastSeenAt);
        Assert.Equal(10_000, await registry.FlushSeenAsync(CancellationToken.None));
        Assert.Equal((1, 10_000), (store.SeenWrites, store.SeenRows));
        Assert.Equal(0, await registry.FlushSeenAsync(CancellationToken.None));
        Assert.Equal(1, store.SeenWrites);
    }

    [Fact]
    public async Task A_change_notice_reloads_what_another_node_changed()
    {
        var store = new CountingDeviceStore([Device("dev-a")]);
        var feed = new InProcessChangeFeed();
        var registry = new DeviceRegistry(store, feed, TimeProvider.System, NullLogger<DeviceRegistry>.Instance);
        Assert.True(registry.Find("dev-a")!.MayConnect);

        // Another node retires it in the shared store, then notifies.
        store.Devices["dev-a"] = Device("dev-a", DeviceStates.Retired);
        Assert.True(registry.Find("dev-a")!.MayConnect);
        await feed.PublishAsync(ChangeTopics.Devices, CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(!registry.Find("dev-a")!.MayConnect), TimeSpan.FromSeconds(2), "the registry to reload");
    }

    [Fact]
    public async Task A_secret_verified_once_connects_again_without_pbkdf2_but_a_wrong_or_replaced_one_does_not()
    {
        var first = SecretHash.NewSecret();
        // A hash stored before device secrets were hashed with one salted SHA-256: PBKDF2 of 10,000 iterations.
        var store = new CountingDeviceStore([Device("dev-a", secretHash: SecretHash.Hash(first, 10_000))]);
        var feed = new InProcessChangeFeed();
        var registry = new DeviceRegistry(store, feed, TimeProvider.System, NullLogger<DeviceRegistry>.Instance);
        Assert.NotNull(registry.Authenticate("dev-a", first));

        // 2,000 connects with the known secret cost less than 20 PBKDF2 checks (each ~3 ms; a SHA-256 is microseconds).
        var slow = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            SecretHash.Verify(first, store.Devices["dev-a"].SecretHash);
        }

        slow.Stop();
        var quick = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 2_000; i++)
        {
            Assert.NotNull(registry.Authenticate("dev-a", first));
        }

        quick.Stop();
        Assert.True(quick.Elapsed < slow.Elapsed, $"2,000 known connects took {quick.Elapsed}, 20 PBKDF2 checks {slow.Elapsed}");
        Assert.Null(registry.Authenticate("dev-a", first + "x"));
        Assert.Null(registry.Authenticate("dev-a", null));

        // A new secret (provisioned again, on any node): the old one is refused once the registry has reloaded.
        var second = SecretHash.NewSecret();
        store.Devices["dev-a"] = Device("dev-a", secretHash: SecretHash.HashKey(second));
        await feed.PublishAsync(ChangeTopics.Devices, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(registry.Authenticate("dev-a", second) is not null), TimeSpan.FromSeconds(2), "the registry to reload the new secret");
        Assert.Null(registry.Authenticate("dev-a", first));
    }

    [Fact]
    public async Task A_centres_devices_come_from_an_index_that_follows_every_change_but_not_a_connection()
    {
        var store = new CountingDeviceStore(Enumerable.Range(0, 1_000).Select(i => InCentre(Device($"dev-{i:D4}"), $"centre-{i % 10}")));
        var feed = new InProcessChangeFeed();
        var registry = new DeviceRegistry(store, feed, TimeProvider.System, NullLogger<DeviceRegistry>.Instance);

        Assert.Equal(100, registry.DeviceIdsOf("centre-3").Count);
        Assert.Equal("dev-0003", registry.ActiveDevicesOf("centre-3")[0].Id);
        Assert.Empty(registry.DeviceIdsOf("nowhere"));

        // A connection changes when a device was seen, not where it is: the answer is the device as it is now.
        registry.Seen("dev-0003");
        Assert.NotNull(registry.ActiveDevicesOf("centre-3")[0].LastSeenAt);

        // Another node moves one device and retires another, then notifies.
        store.Devices["dev-0013"] = InCentre(Device("dev-0013"), "centre-9");
        store.Devices["dev-0023"] = InCentre(Device("dev-0023", DeviceStates.Retired), "centre-3");
        await feed.PublishAsync(ChangeTopics.Devices, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(!registry.DeviceIdsOf("centre-3").Contains("dev-0013")), TimeSpan.FromSeconds(2), "the index to follow the reload");

        Assert.Contains("dev-0013", registry.DeviceIdsOf("centre-9"));
        Assert.Equal(99, registry.DeviceIdsOf("centre-3").Count);
        Assert.Equal(98, registry.ActiveDevicesOf("centre-3").Count);
        Assert.DoesNotContain(registry.ActiveDevicesOf("centre-3"), d => d.Id == "dev-0023");
    }

    private static RegisteredDevice InCentre(RegisteredDevice device, string centre)
    {
        device.Centre = centre;
        return device;
    }

    private static RegisteredDevice Device(string id, string status = DeviceStates.Active, string secretHash = "x") =>
        new() { Id = id, Centre = "c", Counter = "1", Status = status, SecretHash = secretHash, CreatedAt = DateTime.UtcNow };

    private sealed class CountingDeviceStore(IEnumerable<RegisteredDevice> devices) : IDeviceStore
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, RegisteredDevice> Devices { get; } = new(devices.ToDictionary(d => d.Id));

        public int SeenWrites { get; private set; }

        public int SeenRows { get; private set; }

        public Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RegisteredDevice>>(Devices.Values.Select(DeviceRegistry.Copy).ToList());

        public Task<RegisteredDevice?> FindAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(Devices.TryGetValue(id, out var d) ? d : null);

        public Task<RegisteredDevice?> RetireAsync(string id, DateTime at, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RecordSeenAsync(IReadOnlyDictionary<string, DateTime> seen, CancellationToken cancellationToken)
        {
            SeenWrites++;
            SeenRows += seen.Count;
            return Task.CompletedTask;
        }
    }
}
