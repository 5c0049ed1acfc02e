using Edge.Fleet.Store;
using Edge.Fleet.Store.Postgres;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using Npgsql;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// The store contract on PostgreSQL (a throwaway server per class, a fresh database per test), plus what only this
/// store has to show: migrations, and several nodes writing one database at once.
/// </summary>
public sealed class PostgresEventStoreTests(PostgresServerFixture postgres) : EventStoreContract, IClassFixture<PostgresServerFixture>
{
    private readonly List<NpgsqlDataSource> _dataSources = [];

    protected override async Task<IEventStore> CreateStoreAsync() => (await CreateNodeAsync()).Store;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrations_applied_twice_change_nothing_the_second_time()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        var dataSource = Track(NpgsqlDataSource.Create(connectionString));

        var first = await PostgresSchema.MigrateAsync(dataSource, FleetSchema.Migrations, CancellationToken.None);
        var second = await PostgresSchema.MigrateAsync(dataSource, FleetSchema.Migrations, CancellationToken.None);

        Assert.Equal(FleetSchema.Migrations.All.Count, first);
        Assert.Equal(0, second);
        Assert.Equal($"{FleetSchema.Migrations.All.Count}", await postgres.Server.PsqlAsync(DatabaseOf(connectionString), "SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public async Task Nodes_starting_together_apply_each_migration_once()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 4).Select(_ => Track(NpgsqlDataSource.Create(connectionString))).ToList();

        var applied = await Task.WhenAll(nodes.Select(n => PostgresSchema.MigrateAsync(n, FleetSchema.Migrations, CancellationToken.None)));

        Assert.Equal(FleetSchema.Migrations.All.Count, applied.Sum());
        await using var connection = await nodes[0].OpenConnectionAsync();
        Assert.Equal(FleetSchema.Migrations.LatestVersion, await PostgresSchema.ReadVersionAsync(connection, CancellationToken.None));
    }

    [Fact]
    public async Task Two_nodes_storing_the_same_device_at_once_store_each_seq_once_with_the_right_upTo()
    {
        var (nodeA, _, connectionString) = await CreateNodeAsync();
        var nodeB = new PostgresEventStore(Track(NpgsqlDataSource.Create(connectionString)), FleetSchema.Migrations);
        const int devices = 5;
        const int perDevice = 400;

        // Each node gets every batch of every device, in different orders and batch sizes: the worst redelivery.
        async Task Feed(IEventStore node, int batchSize, bool reversed)
        {
            var starts = Enumerable.Range(0, perDevice / batchSize).Select(i => 1 + (i * batchSize));
            foreach (var start in reversed ? starts.Reverse() : starts)
            {
                var batches = Enumerable.Range(0, devices)
                    .Select(d => new EventBatch($"dev-{d}", Enumerable.Range(start, batchSize).Select(s => Rating(s, 1 + (s % 4))).ToList()))
                    .ToList();
                await node.AppendAsync(batches, Now, CancellationToken.None);
            }
        }

        await Task.WhenAll(Feed(nodeA, 20, reversed: false), Feed(nodeB, 25, reversed: true), Feed(nodeB, 40, reversed: false));

        var sequences = await nodeA.ListSequencesAsync(CancellationToken.None);
        Assert.Equal(devices, sequences.Count);
        Assert.All(sequences, s =>
        {
            Assert.Equal(perDevice, s.UpTo);
            Assert.Equal(perDevice, s.MaxSeq);
            Assert.Equal(perDevice, s.Stored);
            Assert.Equal(0, s.Missing);
        });
        Assert.Equal($"{devices * perDevice}", await postgres.Server.PsqlAsync(DatabaseOf(connectionString), "SELECT count(*) FROM events"));
        Assert.Equal($"{devices * perDevice}", await postgres.Server.PsqlAsync(DatabaseOf(connectionString), "SELECT count(*) FROM ratings"));
        var counts = await nodeB.CountRatingsAsync(new RatingFilter(), CancellationToken.None);
        Assert.Equal(devices * perDevice, counts.Total);
        Assert.All(counts.ByLevel.Values, n => Assert.Equal(devices * perDevice / 4, n));
    }

    private async Task<(PostgresEventStore Store, NpgsqlDataSource DataSource, string ConnectionString)> CreateNodeAsync()
    {
        var created = await postgres.CreateStoreAsync();
        Track(created.DataSource);
        return created;
    }

    private NpgsqlDataSource Track(NpgsqlDataSource dataSource)
    {
        _dataSources.Add(dataSource);
        return dataSource;
    }

    private static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

}
