using Edge.Fleet.DeviceConfig;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Edge.Wire;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Tests.DeviceConfig;

/// <summary>
/// The desired-configuration contract on PostgreSQL (a fresh database per test), plus several nodes putting layers
/// at once and the copy of an embedded fleet's <c>config.db</c>.
/// </summary>
public sealed class PostgresDesiredConfigStoreTests(PostgresServerFixture postgres) : DesiredConfigStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IDesiredConfigStore> CreateStoreAsync() => new PostgresDesiredConfigStore(await MigratedDatabaseAsync(postgres));

    private PostgresDesiredConfigStore OtherNode() => new(SecondNode());

    [Fact]
    public async Task Two_nodes_putting_at_once_store_every_put_with_revisions_never_reused_and_committed_in_order()
    {
        var nodes = new IDesiredConfigStore[] { Store, OtherNode() };
        const int putsPerNode = 40;
        string[] layerIds = ["role:counter", "centre:c1", "device:dev-1"];

        var results = await Task.WhenAll(nodes.Select((node, n) => Task.Run(async () =>
        {
            var mine = new List<ConfigLayer>();
            for (var i = 0; i < putsPerNode; i++)
            {
                mine.Add(await node.PutAsync(layerIds[(i + n) % layerIds.Length], Settings($$"""{"Health:IntervalSeconds": {{(n * 1000) + i}}}"""),
                    $"node-{n}", At, CancellationToken.None));
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(2 * putsPerNode, all.Select(l => l.Revision).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 2 * putsPerNode).Select(i => (long)i), all.Select(l => l.Revision).Order());
        // Revisions commit in order: each layer keeps the content of its highest revision, never of an older put.
        foreach (var id in layerIds)
        {
            var newest = all.Where(l => l.Id == id).MaxBy(l => l.Revision)!;
            var stored = (await OtherNode().FindLayerAsync(id, CancellationToken.None))!;
            Assert.Equal((newest.Revision, newest.SettingsJson.Replace(" ", "")), (stored.Revision, stored.SettingsJson.Replace(" ", "")));
        }
    }

    [Fact]
    public async Task The_copier_moves_config_db_into_postgres_once()
    {
        using var folder = new TempFolder("config-copy");
        long lastRevision;
        using (var lite = new LiteDesiredConfigStore(folder[LiteDesiredConfigStore.FileName]))
        {
            await lite.PutAsync(ConfigLayers.RoleLayer("counter"), Settings("""{"Rating:LockoutMs": 1500}"""), "tech", At, CancellationToken.None);
            lastRevision = (await lite.PutAsync(ConfigLayers.DeviceLayer("dev-1"), Settings("""{"Health:IntervalSeconds": 10}"""), "lan", At, CancellationToken.None)).Revision;
            var report = Report("dev-1", lastRevision, ConfigStates.RestartRequired);
            report.RestartPending = ["Printer:Device"];
            await lite.SaveReportedAsync(report, CancellationToken.None);
        }

        var copier = new DeviceConfigCopier();
        var source = new FleetOptions { DataDir = folder.Path };
        var target = Database;

        Assert.Equal(0, await copier.CountInTargetAsync(target, CancellationToken.None));
        Assert.Equal(3, await copier.CopyAsync(source, target, CancellationToken.None));
        Assert.Equal(0, await copier.CopyAsync(source, target, CancellationToken.None));
        Assert.Equal(3, await copier.CountInTargetAsync(target, CancellationToken.None));

        var desired = (await Store.DesiredAsync(new ConfigTarget("dev-1", null, "counter"), CancellationToken.None))!;
        Assert.Equal(lastRevision, desired.Version);
        Assert.Equal(1500, desired.Settings["Rating:LockoutMs"].GetInt32());
        Assert.Equal(["Printer:Device"], (await Store.FindReportedAsync("dev-1", CancellationToken.None))!.RestartPending);
        var next = await PutAsync(ConfigLayers.CentreLayer("c1"), "{}");
        Assert.True(next.Revision > lastRevision, "the first revision after the move must be newer than every copied one");
    }

    [Fact]
    public async Task The_copier_finds_nothing_to_copy_without_a_config_db()
    {
        using var folder = new TempFolder("config-copy-empty");

        Assert.Equal(0, await new DeviceConfigCopier().CopyAsync(new FleetOptions { DataDir = folder.Path }, Database, CancellationToken.None));
        Assert.False(File.Exists(folder[LiteDesiredConfigStore.FileName]));
    }
}
