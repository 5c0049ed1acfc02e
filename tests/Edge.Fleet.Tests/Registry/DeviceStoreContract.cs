using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Registry;

/// <summary>What every <see cref="IDeviceStore"/> does, on either engine.</summary>
public abstract class DeviceStoreContract(IRegistryEngine engine) : RegistryStoreContract(engine)
{
    [Fact]
    public async Task An_unknown_device_is_not_found_and_cannot_be_retired()
    {
        Assert.Null(await Stores.Devices.FindAsync("nobody", None));
        Assert.Null(await Stores.Devices.RetireAsync("nobody", Now, None));
        Assert.Empty(await Stores.Devices.ListAsync(None));
    }

    [Fact]
    public async Task A_redeemed_device_is_listed_in_id_order_with_every_field()
    {
        await RegisterAsync("dev-b");
        await RegisterAsync("dev-a");

        var listed = await Stores.Devices.ListAsync(None);
        Assert.Equal(["dev-a", "dev-b"], listed.Select(d => d.Id));
        var found = await Stores.Devices.FindAsync("dev-a", None);
        Assert.NotNull(found);
        Assert.Equal(("hcc-hanoi", "7", "counter", DeviceStates.Active, "hash-dev-a", Now),
            (found.Centre, found.Counter, found.Role, found.Status, found.SecretHash, found.CreatedAt));
        Assert.Null(found.LastSeenAt);
        Assert.Null(found.RetiredAt);
    }

    [Fact]
    public async Task Retiring_keeps_the_first_retirement_time()
    {
        await RegisterAsync("dev-a");

        var retired = await Stores.Devices.RetireAsync("dev-a", Now.AddHours(1), None);
        var again = await Stores.Devices.RetireAsync("dev-a", Now.AddHours(2), None);

        Assert.Equal(DeviceStates.Retired, retired!.Status);
        Assert.Equal(Now.AddHours(1), again!.RetiredAt);
        Assert.False((await Stores.Devices.FindAsync("dev-a", None))!.MayConnect);
    }

    [Fact]
    public async Task Last_seen_only_moves_forward_and_unknown_devices_are_ignored()
    {
        await RegisterAsync("dev-a");
        await RegisterAsync("dev-b");

        await Stores.Devices.RecordSeenAsync(new Dictionary<string, DateTime> { ["dev-a"] = Now.AddMinutes(10), ["dev-b"] = Now.AddMinutes(5), ["ghost"] = Now }, None);
        await Stores.Devices.RecordSeenAsync(new Dictionary<string, DateTime> { ["dev-a"] = Now.AddMinutes(1) }, None);

        Assert.Equal(Now.AddMinutes(10), (await Stores.Devices.FindAsync("dev-a", None))!.LastSeenAt);
        Assert.Equal(Now.AddMinutes(5), (await Stores.Devices.FindAsync("dev-b", None))!.LastSeenAt);
        Assert.Null(await Stores.Devices.FindAsync("ghost", None));
    }
}

public sealed class LiteDeviceStoreTests() : DeviceStoreContract(new LiteRegistryEngine());

public sealed class PostgresDeviceStoreTests(PostgresServerFixture postgres)
    : DeviceStoreContract(new PostgresRegistryEngine(postgres)), IClassFixture<PostgresServerFixture>;
