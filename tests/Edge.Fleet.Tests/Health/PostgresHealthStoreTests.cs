using Edge.Fleet.Health;
using Edge.Fleet.Tests.Support;
using Npgsql;

namespace Edge.Fleet.Tests.Health;

/// <summary>The health store contract on PostgreSQL, plus several nodes recording the same heartbeats.</summary>
public sealed class PostgresHealthStoreTests(PostgresServerFixture postgres) : HealthStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IHealthStore> CreateStoreAsync() => new PostgresHealthStore(await MigratedDatabaseAsync(postgres));

    [Fact]
    public async Task Two_nodes_receiving_every_heartbeat_record_each_once()
    {
        var nodeB = new PostgresHealthStore(SecondNode());
        const int beats = 60;

        // Both nodes get every heartbeat of three devices, each at its own receive time and in its own batches.
        async Task Record(IHealthStore node, int batchSize, TimeSpan lag)
        {
            for (var start = 1; start <= beats; start += batchSize)
            {
                var batch = Enumerable.Range(start, Math.Min(batchSize, beats - start + 1))
                    .SelectMany(i => new[] { "dev-a", "dev-b", "dev-c" }.Select(d => Beat(d, i * 30, Now.AddSeconds(i * 30)) with { ReceivedAt = Now.AddSeconds(i * 30) + lag }))
                    .ToList();
                await node.AppendAsync(batch, CancellationToken.None);
            }
        }

        await Task.WhenAll(Record(Store, 7, TimeSpan.Zero), Record(nodeB, 5, TimeSpan.FromMilliseconds(4)));

        foreach (var device in new[] { "dev-a", "dev-b", "dev-c" })
        {
            var history = await nodeB.HistoryAsync(device, Now.AddHours(-1), Now.AddHours(2), 1000, CancellationToken.None);
            Assert.Equal(beats, history.Count);
            Assert.Equal(beats, history.Select(s => s.Report.UptimeS).Distinct().Count());
        }

        var latest = await Store.LatestAsync(CancellationToken.None);
        Assert.Equal(3, latest.Count);
        Assert.All(latest, s => Assert.Equal(beats * 30, s.Report.UptimeS));
    }
}
