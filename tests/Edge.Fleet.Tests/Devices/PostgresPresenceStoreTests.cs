using Edge.Fleet.Devices;
using Edge.Fleet.Tests.Health;
using Edge.Fleet.Tests.Support;
using Npgsql;

namespace Edge.Fleet.Tests.Devices;

/// <summary>The presence store contract on PostgreSQL, plus two nodes sharing it.</summary>
public sealed class PostgresPresenceStoreTests(PostgresServerFixture postgres) : PresenceStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IPresenceStore> CreateStoreAsync() => new PostgresPresenceStore(await MigratedDatabaseAsync(postgres));

    [Fact]
    public async Task Presence_written_by_one_node_is_what_another_node_answers()
    {
        var nodeB = new PostgresPresenceStore(SecondNode());

        // Node B serves HTTP only: it never saw the status, yet answers from what node A wrote.
        var presenceB = new DevicePresence(nodeB, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DevicePresence>.Instance);
        Assert.True(await Store.MarkOnlineAsync("dev-a", "s1", Now, CancellationToken.None));
        Assert.Equal(new Presence(true, "s1", Now), (await presenceB.SnapshotAsync(CancellationToken.None))["dev-a"]);

        // The same status reaching node B too (every node subscribes to statuses) is a repeat there.
        Assert.False(await nodeB.MarkOnlineAsync("dev-a", "s1", Now.AddMilliseconds(5), CancellationToken.None));

        await nodeB.MarkOfflineAsync("dev-a", "s1", Now.AddSeconds(1), CancellationToken.None);
        Assert.False((await Store.ReadAllAsync(CancellationToken.None))["dev-a"].Online);
    }

    [Fact]
    public async Task Two_nodes_applying_the_same_statuses_at_once_agree_on_the_last_session()
    {
        var nodeB = new PostgresPresenceStore(SecondNode());
        var sessions = Enumerable.Range(1, 30).Select(i => $"s{i:D2}").ToList();

        async Task Apply(IPresenceStore node)
        {
            foreach (var session in sessions)
            {
                await node.MarkOnlineAsync("dev-a", session, Now, CancellationToken.None);
                await node.MarkOfflineAsync("dev-a", session, Now, CancellationToken.None);
            }

            await node.MarkOnlineAsync("dev-a", "final", Now, CancellationToken.None);
        }

        await Task.WhenAll(Apply(Store), Apply(nodeB));

        Assert.Equal(new Presence(true, "final", Now), (await nodeB.ReadAllAsync(CancellationToken.None))["dev-a"]);
    }
}
