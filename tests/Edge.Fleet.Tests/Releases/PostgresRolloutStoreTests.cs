using Edge.Fleet.Releases;
using Edge.Fleet.Tests.Support;
using Npgsql;

namespace Edge.Fleet.Tests.Releases;

/// <summary>The rollout store contract on PostgreSQL, plus two nodes starting rollouts for one device at once.</summary>
public sealed class PostgresRolloutStoreTests(PostgresServerFixture postgres) : RolloutStoreContract, IClassFixture<PostgresServerFixture>
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    protected override async Task<IRolloutStore> CreateStoreAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        _dataSources.Add(dataSource);
        _connectionString = connectionString;
        return new PostgresRolloutStore(dataSource);
    }

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_nodes_starting_rollouts_for_one_device_at_once_start_one()
    {
        var other = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(other);
        var nodes = new IRolloutStore[] { Store, new PostgresRolloutStore(other) };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            nodes[i % 2].CreateAsync(new Rollout { Id = $"r{i}", Version = "9.0.2", CreatedAt = Now, CreatedBy = "admin" }, [["x", $"only-{i}"]], Now, CancellationToken.None)));

        Assert.Single(results, r => r is null);
        Assert.All(results.Where(r => r is not null), r => Assert.Equal("x", r!.DeviceId));
        Assert.Single(await Store.ListAsync(CancellationToken.None));
    }
}
