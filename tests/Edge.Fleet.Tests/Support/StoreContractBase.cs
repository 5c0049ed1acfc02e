using Edge.Testing;
using Npgsql;

namespace Edge.Fleet.Tests.Support;

/// <summary>
/// What the contract tests of the fleet's stores share: a store on fresh storage per test,
/// disposed after it, with its temporary folder and the PostgreSQL data sources a test opened (several for several nodes), disposed too.
/// </summary>
public abstract class StoreContractBase<TStore> : IAsyncLifetime
    where TStore : class
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private TStore? _store;
    private TempFolder? _folder;

    protected TStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    /// <summary>The connection string of the database made by <see cref="MigratedDatabaseAsync"/>, for a second node.</summary>
    protected string ConnectionString { get; private set; } = "";

    /// <summary>A store on fresh, empty storage, owned by this test.</summary>
    protected abstract Task<TStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        _folder?.Dispose();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    /// <summary>A file of a temporary folder of this test, deleted after it.</summary>
    protected string FileIn(string name) => (_folder ??= new TempFolder(GetType().Name))[name];

    /// <summary>The data source of the database made by <see cref="MigratedDatabaseAsync"/> (the first node's).</summary>
    protected NpgsqlDataSource Database => _dataSources.Count > 0 ? _dataSources[0] : throw new InvalidOperationException("No database was made.");

    /// <summary>A fresh database with the whole schema; its data source is disposed after the test.</summary>
    protected async Task<NpgsqlDataSource> MigratedDatabaseAsync(PostgresServerFixture postgres)
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        ConnectionString = connectionString;
        _dataSources.Insert(0, dataSource);
        return dataSource;
    }

    /// <summary>Another node's data source on the same database.</summary>
    protected NpgsqlDataSource SecondNode() => Track(NpgsqlDataSource.Create(ConnectionString));

    private NpgsqlDataSource Track(NpgsqlDataSource dataSource)
    {
        _dataSources.Add(dataSource);
        return dataSource;
    }
}
