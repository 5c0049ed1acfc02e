using Edge.Fleet.CentreLan;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.CentreLan;

/// <summary>What every <see cref="ICentreLanStore"/> must do: one key per centre, rotation, and the devices' LAN addresses.</summary>
public abstract class CentreLanStoreContract : StoreContractBase<ICentreLanStore>
{
    protected static readonly DateTime At = new(2026, 11, 23, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_centre_gets_one_key_which_stays_until_it_is_rotated()
    {
        var first = await Store.KeyOfAsync("c1", At, CancellationToken.None);
        var again = await Store.KeyOfAsync("c1", At.AddHours(1), CancellationToken.None);
        var other = await Store.KeyOfAsync("c2", At, CancellationToken.None);

        Assert.Equal((1L, first.Key, "fleet"), (again.Version, again.Key, again.CreatedBy));
        Assert.Equal(CentreKey.Bytes, Convert.FromBase64String(first.Key).Length);
        Assert.NotEqual(first.Key, other.Key);

        var rotated = await Store.RotateAsync("c1", At.AddDays(1), "admin", CancellationToken.None);
        Assert.Equal((2L, first.Key, "admin", At.AddDays(1)), (rotated.Version, rotated.Previous, rotated.CreatedBy, rotated.CreatedAt));
        Assert.NotEqual(first.Key, rotated.Key);
        var read = await Store.KeyOfAsync("c1", At.AddDays(2), CancellationToken.None);
        Assert.Equal((rotated.Key, rotated.Previous, 2L), (read.Key, read.Previous, read.Version));
        Assert.Equal(other.Key, (await Store.KeyOfAsync("c2", At, CancellationToken.None)).Key);
    }

    [Fact]
    public async Task Rotating_a_centre_without_a_key_makes_its_first()
    {
        var key = await Store.RotateAsync("new-centre", At, "admin", CancellationToken.None);

        Assert.Equal(2L, key.Version);
        Assert.NotNull(key.Previous);
    }

    [Fact]
    public async Task An_address_is_stored_and_reported_as_changed_only_when_it_differs()
    {
        Assert.True(await SetAsync("kiosk-1", "192.168.1.21:8190", At));
        Assert.False(await SetAsync("kiosk-1", "192.168.1.21:8190", At.AddMinutes(1)));
        Assert.True(await SetAsync("counter-1", "192.168.1.31:8190", At));
        Assert.True(await SetAsync("kiosk-1", "192.168.1.22:8190", At.AddMinutes(2)));
        Assert.False(await SetAsync("hall-1", null, At));

        var addresses = await Store.AddressesAsync(["kiosk-1", "counter-1", "hall-1"], CancellationToken.None);
        Assert.Equal(
            [("counter-1", "192.168.1.31:8190"), ("kiosk-1", "192.168.1.22:8190")],
            addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value)));

        Assert.True(await SetAsync("kiosk-1", "", At.AddMinutes(3)));
        Assert.Equal(["counter-1"], (await Store.AddressesAsync(["kiosk-1", "counter-1"], CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task Addresses_reported_together_are_stored_in_one_call_each_device_by_its_last_report()
    {
        await SetAsync("kiosk-1", "192.168.1.21:8190", At);
        await SetAsync("hall-1", "192.168.1.41:8190", At);

        var changed = await Store.SetAddressesAsync(
            [new("kiosk-1", "192.168.1.21:8190"), new("counter-1", "192.168.1.30:8190"), new("counter-1", "192.168.1.31:8190"),
             new("hall-1", null), new("display-1", "")],
            At.AddMinutes(1), CancellationToken.None);

        Assert.Equal(["counter-1", "hall-1"], changed.Order(StringComparer.Ordinal));
        var addresses = await Store.AddressesAsync(["kiosk-1", "counter-1", "hall-1", "display-1"], CancellationToken.None);
        Assert.Equal(
            [("counter-1", "192.168.1.31:8190"), ("kiosk-1", "192.168.1.21:8190")],
            addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value)));
        Assert.Empty(await Store.SetAddressesAsync([], At, CancellationToken.None));
    }

    /// <summary>One device's report alone: true when its address changed.</summary>
    private async Task<bool> SetAsync(string deviceId, string? address, DateTime at) =>
        (await Store.SetAddressesAsync([new(deviceId, address)], at, CancellationToken.None)).Contains(deviceId);
}
