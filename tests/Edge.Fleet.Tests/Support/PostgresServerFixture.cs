using Edge.Fleet.Store.Postgres;
using Edge.Testing;
using Npgsql;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL server per test class (see <see cref="ThrowawayPostgres"/>); each test takes a fresh
/// database from it, so tests never see each other's rows.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private ThrowawayPostgres? _server;

    public ThrowawayPostgres Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    public async Task InitializeAsync() => _server = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// A new, empty database with the whole fleet schema applied (every feature's migrations), and a data source on
    /// it that the caller disposes. For the contract tests of every PostgreSQL store.
    /// </summary>
    public async Task<(NpgsqlDataSource DataSource, string ConnectionString)> CreateMigratedDatabaseAsync()
    {
        var connectionString = await Server.CreateDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.MigrateAsync(dataSource, FleetSchema.Migrations, CancellationToken.None);
        return (dataSource, connectionString);
    }

    /// <summary>A store on a new, empty database, with its schema applied, and the data source it owns.</summary>
    public async Task<(PostgresEventStore Store, NpgsqlDataSource DataSource, string ConnectionString)> CreateStoreAsync()
    {
        var connectionString = await Server.CreateDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource, FleetSchema.Migrations);
        await store.EnsureSchemaAsync(CancellationToken.None);
        return (store, dataSource, connectionString);
    }
}
