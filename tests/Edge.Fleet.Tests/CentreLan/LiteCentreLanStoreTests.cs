using Edge.Fleet.Tests.Support;
using Edge.Fleet.CentreLan;

namespace Edge.Fleet.Tests.CentreLan;

/// <summary>The centre LAN contract on LiteDB, and a key that survives a reopen.</summary>
public sealed class LiteCentreLanStoreTests : CentreLanStoreContract
{
    protected override Task<ICentreLanStore> CreateStoreAsync() => Task.FromResult<ICentreLanStore>(new LiteCentreLanStore(FileIn(LiteCentreLanStore.FileName)));

    [Fact]
    public async Task The_key_handed_out_is_the_key_after_a_reopen()
    {
        var key = await Store.KeyOfAsync("c1", At, CancellationToken.None);
        ((IDisposable)Store).Dispose();

        using var reopened = new LiteCentreLanStore(FileIn(LiteCentreLanStore.FileName));
        Assert.Equal(key.Key, (await reopened.KeyOfAsync("c1", At, CancellationToken.None)).Key);
    }

    [Fact]
    public async Task On_a_full_disk_a_rotation_is_refused_naming_the_centre_lan_store_then_stored_without_a_restart()
    {
        var outage = new FullDiskOutage();
        using var store = new LiteCentreLanStore(LiteCentreLanStore.FileName, outage.Outages, outage.Opening);
        var first = await store.KeyOfAsync("c1", At, CancellationToken.None);
        CentreKey? rotated = null;

        await outage.ShowsOutageAndRecoveryAsync(
            "centre-lan",
            async () => rotated = await store.RotateAsync("c1", At.AddDays(1), "admin", CancellationToken.None),
            async () =>
            {
                var read = await store.KeyOfAsync("c1", At.AddDays(2), CancellationToken.None);
                Assert.Equal((rotated!.Key, first.Key, 2L), (read.Key, read.Previous, read.Version));
                Assert.Equal(["kiosk-1"], await store.SetAddressesAsync([new("kiosk-1", "192.168.1.21:8190")], At, CancellationToken.None));
            },
            () => store.KeyOfAsync("c2", At, CancellationToken.None),
            () => store.SetAddressesAsync([new("kiosk-1", "192.168.1.21:8190")], At, CancellationToken.None));
    }
}
