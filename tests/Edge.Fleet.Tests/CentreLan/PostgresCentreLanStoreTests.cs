using Edge.Fleet.CentreLan;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.CentreLan;

/// <summary>The centre LAN contract on PostgreSQL, and two nodes creating and rotating one centre's key at once.</summary>
public sealed class PostgresCentreLanStoreTests(PostgresServerFixture postgres) : CentreLanStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<ICentreLanStore> CreateStoreAsync() => new PostgresCentreLanStore(await MigratedDatabaseAsync(postgres));

    [Fact]
    public async Task Two_nodes_creating_a_centres_key_at_once_agree_and_rotations_at_once_make_successive_versions()
    {
        var other = new PostgresCentreLanStore(SecondNode());
        var firsts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? Store : other).KeyOfAsync("c1", At, CancellationToken.None)));
        Assert.Single(firsts.Select(k => k.Key).Distinct());

        var rotations = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Store : other).RotateAsync("c1", At, $"admin-{i}", CancellationToken.None)));
        Assert.Equal([2L, 3, 4, 5, 6, 7], rotations.Select(r => r.Version).Order());
        Assert.Equal(7L, (await other.KeyOfAsync("c1", At, CancellationToken.None)).Version);
    }
}
