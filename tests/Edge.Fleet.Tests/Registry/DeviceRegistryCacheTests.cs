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
        var store = new CountingDeviceStore([Device("dev-a", secretHash: SecretHash.Hash(first, SecretHash.DeviceSecretIterations))]);
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
        store.Devices["dev-a"] = Device("dev-a", secretHash: SecretHash.Hash(second, SecretHash.DeviceSecretIterations));
        await feed.PublishAsync(ChangeTopics.Devices, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(registry.Authenticate("dev-a", second) is not null), TimeSpan.FromSeconds(2), "the registry to reload the new secret");
        Assert.Null(registry.Authenticate("dev-a", first));
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
