using Edge.Fleet.Federation;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Federation;

/// <summary>An embedded fleet's federation cursors and forwarded devices, moved into PostgreSQL, twice.</summary>
public sealed class FederationDataCopierTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IDisposable
{
    private readonly TempFolder _data = new("federation-copy");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Copied_data_reads_the_same_from_PostgreSQL_and_a_second_copy_adds_nothing()
    {
        var source = new FleetOptions { DataDir = _data.Path };
        using (var lite = new LiteFederationStore(source.FileIn(FederationDataCopier.FileName), TimeProvider.System))
        {
            await lite.AdvanceCursorAsync("dev-a", 120, CancellationToken.None);
            await lite.AdvanceCursorAsync("dev-b", 3, CancellationToken.None);
            await lite.RecordForwardedDeviceAsync(new ForwardedDevice("ha-noi", "dev-1", "centre-1"), CancellationToken.None);
        }

        var (target, _) = await postgres.CreateMigratedDatabaseAsync();
        await using var _ = target;
        var copier = new FederationDataCopier();
        Assert.Equal(0, await copier.CountInTargetAsync(target, CancellationToken.None));
        Assert.Equal(3, await copier.CopyAsync(source, target, CancellationToken.None));
        Assert.Equal(0, await copier.CopyAsync(source, target, CancellationToken.None));

        var copied = new PostgresFederationStore(target, TimeProvider.System);
        var cursors = await copied.ReadCursorsAsync(CancellationToken.None);
        Assert.Equal((120L, 3L), (cursors["dev-a"], cursors["dev-b"]));
        Assert.Equal("ha-noi.centre-1", Assert.Single(await copied.ListForwardedDevicesAsync(CancellationToken.None)).Centre);
        Assert.Equal(3, await copier.CountInTargetAsync(target, CancellationToken.None));
    }
}
