using Edge.Fleet.Releases;
using Edge.Fleet.Tests.Support;
using Npgsql;

namespace Edge.Fleet.Tests.Releases;

/// <summary>
/// The release store contract on PostgreSQL, plus what several nodes need: an archive uploaded through one node is
/// served, byte for byte, by another; two nodes uploading one version store it once.
/// </summary>
public sealed class PostgresReleaseStoreTests(PostgresServerFixture postgres) : ReleaseStoreContract, IClassFixture<PostgresServerFixture>
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    protected override async Task<IReleaseStore> CreateStoreAsync()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        _dataSources.Add(dataSource);
        _connectionString = connectionString;
        return new PostgresReleaseStore(dataSource, TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_archive_saved_through_one_node_reads_back_byte_identical_through_another()
    {
        var (manifest, archive) = Release("9.1.0", ArchiveBytes);
        Assert.Null(await SaveAsync(manifest, archive));

        var otherNode = new PostgresReleaseStore(Node(), TimeProvider.System);

        Assert.Equal(manifest.Sha256, (await otherNode.FindAsync("9.1.0", CancellationToken.None))?.Sha256);
        Assert.Equal(archive, await ReadAllAsync(otherNode, "9.1.0"));
    }

    [Fact]
    public async Task Two_nodes_uploading_one_version_at_once_store_it_once()
    {
        var nodes = new[] { Store, new PostgresReleaseStore(Node(), TimeProvider.System) };
        var uploads = Enumerable.Range(0, 2).Select(i => Release("9.2.0", ArchiveBytes + i)).ToList();

        var problems = await Task.WhenAll(nodes.Select((node, i) =>
            node.SaveAsync(uploads[i].Manifest, "sig", new MemoryStream(uploads[i].Archive), CancellationToken.None)));

        Assert.Single(problems, p => p is null);
        Assert.Single(problems, p => p is not null && p.Contains("exists already"));
        var stored = await Store.FindAsync("9.2.0", CancellationToken.None);
        var winner = uploads.Single(u => u.Manifest.Sha256 == stored!.Sha256);
        Assert.Equal(winner.Archive, await ReadAllAsync(nodes[1], "9.2.0"));
    }

    [Fact]
    public async Task A_refused_upload_leaves_no_chunk_behind()
    {
        var (manifest, archive) = Release("9.3.0", ArchiveBytes);
        archive[0] ^= 1;

        Assert.NotNull(await SaveAsync(manifest, archive));

        await using var count = _dataSources[0].CreateCommand("SELECT count(*) FROM release_chunks");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    private NpgsqlDataSource Node()
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return dataSource;
    }
}
