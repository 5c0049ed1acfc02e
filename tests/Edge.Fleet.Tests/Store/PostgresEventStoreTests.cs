using Edge.Fleet.Store;
using Edge.Fleet.Store.Postgres;
using Edge.Fleet.Tests.Support;
using Edge.Wire;
using Npgsql;

namespace Edge.Fleet.Tests.Store;

/// <summary>What only the PostgreSQL store has to show: migrations and several nodes writing one database.</summary>
public sealed class PostgresEventStoreTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
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

        var first = await PostgresSchema.MigrateAsync(dataSource, CancellationToken.None);
        var second = await PostgresSchema.MigrateAsync(dataSource, CancellationToken.None);

        Assert.Equal(PostgresSchema.LatestVersion, first);
        Assert.Equal(0, second);
        Assert.Equal($"{PostgresSchema.LatestVersion}", await postgres.Server.PsqlAsync(DatabaseOf(connectionString), "SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public async Task Nodes_starting_together_apply_each_migration_once()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 4).Select(_ => Track(NpgsqlDataSource.Create(connectionString))).ToList();

        var applied = await Task.WhenAll(nodes.Select(n => PostgresSchema.MigrateAsync(n, CancellationToken.None)));

        Assert.Equal(PostgresSchema.LatestVersion, applied.Sum());
        await using var connection = await nodes[0].OpenConnectionAsync();
        Assert.Equal(PostgresSchema.LatestVersion, await PostgresSchema.ReadVersionAsync(connection, CancellationToken.None));
    }

    [Fact]
    public async Task Two_nodes_storing_the_same_device_at_once_store_each_seq_once_with_the_right_upTo()
    {
        var (nodeA, _, connectionString) = await CreateStoreAsync();
        var nodeB = new PostgresEventStore(Track(NpgsqlDataSource.Create(connectionString)));
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

    [Fact]
    public async Task UpTo_stops_at_the_first_gap_and_moves_on_when_it_is_filled()
    {
        var (store, _, _) = await CreateStoreAsync();

        var first = await store.AppendAsync([Batch("dev-a", 1, 2, 3, 5, 6)], Now, CancellationToken.None);
        var second = await store.AppendAsync([Batch("dev-a", 4)], Now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(3, first["dev-a"]);
        Assert.Equal(6, second["dev-a"]);
        Assert.Equal(6, await store.GetAckedUpToAsync("dev-a", CancellationToken.None));
    }

    [Fact]
    public async Task Sequences_count_missing_and_dropped_events_and_the_last_receipt()
    {
        var (store, _, _) = await CreateStoreAsync();
        var dropped = new DeviceEvent { Seq = 2, Kind = EventKinds.Dropped, At = Now };

        await store.AppendAsync([new EventBatch("dev-a", [Rating(1, 4), dropped, Rating(5, 3)])], Now, CancellationToken.None);
        await store.AppendAsync([new EventBatch("dev-a", [Rating(1, 4)])], Now.AddMinutes(1), CancellationToken.None);

        var sequence = Assert.Single(await store.ListSequencesAsync(CancellationToken.None));
        Assert.Equal(new DeviceSequence("dev-a", UpTo: 2, MaxSeq: 5, Stored: 3, Missing: 2, Dropped: 1, Now.AddMinutes(1)), sequence);
    }

    [Fact]
    public async Task Ratings_are_counted_by_filter_without_suspect_presses()
    {
        var (store, _, _) = await CreateStoreAsync();
        DeviceEvent[] events =
        [
            Rating(1, 4) with { Counter = "Q1", Field = "land" },
            Rating(2, 3) with { Counter = "Q1", Field = "land" },
            Rating(3, 1) with { Counter = "Q1", Field = "land", Suspect = true },
            Rating(4, 1) with { Counter = "Q2", Field = "justice", At = Now.AddHours(2) },
            new DeviceEvent { Seq = 5, Kind = EventKinds.TicketIssued, At = Now, Counter = "Q1" },
        ];
        await store.AppendAsync([new EventBatch("dev-a", events)], Now, CancellationToken.None);

        var q1 = await store.CountRatingsAsync(new RatingFilter(Counter: "Q1"), CancellationToken.None);
        var early = await store.CountRatingsAsync(new RatingFilter(From: Now, To: Now.AddHours(1)), CancellationToken.None);
        var justice = await store.CountRatingsAsync(new RatingFilter(Field: "justice", DeviceId: "dev-a"), CancellationToken.None);

        Assert.Equal(2, q1.Total);
        Assert.Equal(1.0, q1.Index);
        Assert.Equal(2, early.Total);
        Assert.Equal(1, justice.Total);
        Assert.Equal(0.0, justice.Index);
    }

    private async Task<(PostgresEventStore Store, NpgsqlDataSource DataSource, string ConnectionString)> CreateStoreAsync()
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

    private static EventBatch Batch(string device, params long[] seqs) =>
        new(device, seqs.Select(s => Rating(s, 4)).ToList());

    private static DeviceEvent Rating(long seq, int level) =>
        new() { Seq = seq, Kind = EventKinds.Rating, At = Now, Counter = "Q1", Level = level, Scale = 4 };
}
