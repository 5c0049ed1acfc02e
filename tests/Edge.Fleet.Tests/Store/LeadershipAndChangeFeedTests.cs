using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store.Leadership;
using Edge.Fleet.Tests.Support;
using Edge.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Tests.Store;

/// <summary>
/// The two pieces several nodes share besides their stores, on a real PostgreSQL server: one leader at a time that
/// moves when it goes, and change notices that reach every node (and say "reload everything" after a lost link).
/// </summary>
public sealed class LeadershipAndChangeFeedTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Handover = TimeSpan.FromSeconds(15);
    private readonly List<IHostedService> _started = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        _dataSources.Add(dataSource);
        _connectionString = connectionString;
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _started)
        {
            await service.StopAsync(CancellationToken.None);
        }

        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Exactly_one_of_three_nodes_leads_and_another_takes_over_within_seconds_when_it_stops()
    {
        var nodes = new[] { await LeadershipAsync(), await LeadershipAsync(), await LeadershipAsync() };

        await Eventually.TrueAsync(() => Task.FromResult(nodes.Count(n => n.IsLeader) == 1), Handover, "one leader");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(1, nodes.Count(n => n.IsLeader));
            await Task.Delay(100);
        }

        var leader = nodes.Single(n => n.IsLeader);
        await leader.StopAsync(CancellationToken.None);
        Assert.False(leader.IsLeader);

        var others = nodes.Where(n => n != leader).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(others.Count(n => n.IsLeader) == 1), Handover, "a new leader among the others");
        Assert.Equal(1, nodes.Count(n => n.IsLeader));
    }

    [Fact]
    public async Task A_leader_whose_session_the_database_ends_stops_leading_and_leadership_comes_back()
    {
        var node = await LeadershipAsync();
        await Eventually.TrueAsync(() => Task.FromResult(node.IsLeader), Handover, "the node to lead");

        await using (var terminate = _dataSources[0].CreateCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """))
        {
            Assert.Equal(1L, Convert.ToInt64(await terminate.ExecuteScalarAsync()));
        }

        await Eventually.TrueAsync(() => Task.FromResult(!node.IsLeader), Handover, "the node to notice it lost its session");
        await Eventually.TrueAsync(() => Task.FromResult(node.IsLeader), Handover, "the node to lead again on a new session");
    }

    [Fact]
    public async Task A_change_published_on_one_node_reaches_the_subscribers_of_another()
    {
        var nodeA = await ChangeFeedAsync();
        var nodeB = await ChangeFeedAsync();
        var heardOnB = 0;
        var otherTopicOnB = 0;
        nodeB.Subscribe(ChangeTopics.Devices, () => Interlocked.Increment(ref heardOnB));
        nodeB.Subscribe(ChangeTopics.People, () => Interlocked.Increment(ref otherTopicOnB));
        await WaitListeningAsync(2);

        await nodeA.PublishAsync(ChangeTopics.Devices, CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref heardOnB) == 1), Handover, "node B to hear the change");
        Assert.Equal(0, Volatile.Read(ref otherTopicOnB));
    }

    [Fact]
    public async Task A_feed_that_lost_its_connection_calls_every_subscriber_when_it_is_back()
    {
        var node = await ChangeFeedAsync();
        var devices = 0;
        var people = 0;
        node.Subscribe(ChangeTopics.Devices, () => Interlocked.Increment(ref devices));
        node.Subscribe(ChangeTopics.People, () => Interlocked.Increment(ref people));
        await WaitListeningAsync(1);

        await TerminateSessionsHoldingAsync("LISTEN");

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref devices) >= 1 && Volatile.Read(ref people) >= 1), Handover,
            "every subscriber to be told to reload after the reconnect");
    }

    private async Task<PostgresLeadership> LeadershipAsync()
    {
        var node = new PostgresLeadership(Options(), NullLogger<PostgresLeadership>.Instance);
        await node.StartAsync(CancellationToken.None);
        _started.Add(node);
        return node;
    }

    private async Task<PostgresChangeFeed> ChangeFeedAsync()
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        var node = new PostgresChangeFeed(dataSource, Options(), NullLogger<PostgresChangeFeed>.Instance);
        await node.StartAsync(CancellationToken.None);
        _started.Add(node);
        return node;
    }

    private IOptions<StoreOptions> Options() =>
        Microsoft.Extensions.Options.Options.Create(new StoreOptions { Kind = StoreOptions.PostgresKind, Postgres = new() { ConnectionString = _connectionString } });

    private async Task WaitListeningAsync(int listeners)
    {
        await Eventually.TrueAsync(async () => await CountSessionsAsync("LISTEN") >= listeners, Handover, $"{listeners} listening sessions");
    }

    private async Task<long> CountSessionsAsync(string queryLike)
    {
        await using var command = _dataSources[0].CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()");
        command.Parameters.Add(new() { Value = $"%{queryLike}%" });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task TerminateSessionsHoldingAsync(string queryLike)
    {
        await using var command = _dataSources[0].CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()");
        command.Parameters.Add(new() { Value = $"%{queryLike}%" });
        Assert.True(Convert.ToInt64(await command.ExecuteScalarAsync()) >= 1, $"no session ran '{queryLike}'");
    }
}
