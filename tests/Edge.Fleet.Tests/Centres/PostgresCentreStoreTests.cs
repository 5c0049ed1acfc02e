using Edge.Fleet.Centres;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.Centres;

/// <summary>The centre directory contract on PostgreSQL, and <c>move-to-postgres</c> of an embedded fleet's directory, twice.</summary>
public sealed class PostgresCentreStoreTests(PostgresServerFixture postgres) : CentreStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<ICentreStore> CreateStoreAsync() => new PostgresCentreStore(await MigratedDatabaseAsync(postgres));

    [Fact]
    public async Task The_copier_moves_an_embedded_directory_once()
    {
        using var folder = new TempFolder("centre-copier");
        var source = new FleetOptions { DataDir = folder.Path };
        using (var lite = new LiteCentreStore(source.FileIn(LiteCentreStore.FileName)))
        {
            await lite.SaveAsync([Centre("hn-1", "01"), Centre("bn-1", "24", board: false, hours: "Mon-Sat 07:30-17:00")], CancellationToken.None);
        }

        var copier = new CentreDataCopier();
        var first = await copier.CopyAsync(source, Database, CancellationToken.None);
        var second = await copier.CopyAsync(source, Database, CancellationToken.None);

        Assert.Equal((2L, 0L, 2L), (first, second, await copier.CountInTargetAsync(Database, CancellationToken.None)));
        var copied = await Store.FindAsync("bn-1", CancellationToken.None);
        Assert.Equal(("24", false, "Mon-Sat 07:30-17:00", At), (copied!.Province, copied.PublicBoard, copied.OpeningHours, copied.UpdatedAt));
        Assert.Equal(0, await copier.CopyAsync(new FleetOptions { DataDir = folder["nothing-here"] }, Database, CancellationToken.None));
    }
}
