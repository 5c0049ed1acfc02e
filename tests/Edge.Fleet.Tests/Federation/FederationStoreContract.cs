using Edge.Fleet.Federation;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Federation;

/// <summary>What both federation stores must do: a cursor never goes back; a forwarded device is one row per (fleet, device).</summary>
public abstract class FederationStoreContract : StoreContractBase<IFederationStore>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_cursor_moves_only_forward_and_survives_as_stored()
    {
        Assert.Empty(await Store.ReadCursorsAsync(None));
        await Store.AdvanceCursorAsync("dev-a", 40, None);
        await Store.AdvanceCursorAsync("dev-b", 7, None);

        // A late ack of an older batch (or a resend the upper fleet answered from an older state) changes nothing.
        await Store.AdvanceCursorAsync("dev-a", 12, None);
        await Store.AdvanceCursorAsync("dev-b", 9, None);

        var cursors = await Store.ReadCursorsAsync(None);
        Assert.Equal((40L, 9L, 2), (cursors["dev-a"], cursors["dev-b"], cursors.Count));
    }

    [Fact]
    public async Task A_forwarded_device_is_one_row_per_fleet_and_device_and_its_centre_follows_the_source()
    {
        await Store.RecordForwardedDeviceAsync(new ForwardedDevice("ha-noi", "dev-1", "centre-1"), None);
        await Store.RecordForwardedDeviceAsync(new ForwardedDevice("ha-noi", "dev-1", "centre-1"), None);
        await Store.RecordForwardedDeviceAsync(new ForwardedDevice("hue", "dev-1", "centre-1"), None);
        await Store.RecordForwardedDeviceAsync(new ForwardedDevice("ha-noi", "dev-2", "centre-1"), None);
        await Store.RecordForwardedDeviceAsync(new ForwardedDevice("ha-noi", "dev-2", "centre-2"), None);

        var devices = await Store.ListForwardedDevicesAsync(None);
        Assert.Equal(
            ["ha-noi.dev-1 ha-noi.centre-1", "ha-noi.dev-2 ha-noi.centre-2", "hue.dev-1 hue.centre-1"],
            devices.Select(d => $"{d.StoredAs} {d.Centre}"));
    }
}

public sealed class LiteFederationStoreTests : FederationStoreContract
{
    protected override Task<IFederationStore> CreateStoreAsync() =>
        Task.FromResult<IFederationStore>(new LiteFederationStore(FileIn("federation.db"), TimeProvider.System));
}

public sealed class PostgresFederationStoreTests(PostgresServerFixture postgres) : FederationStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IFederationStore> CreateStoreAsync() =>
        new PostgresFederationStore(await MigratedDatabaseAsync(postgres), TimeProvider.System);
}
