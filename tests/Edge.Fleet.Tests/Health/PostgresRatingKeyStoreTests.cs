using Edge.Fleet.Health;
using Edge.Fleet.Tests.Support;
using Npgsql;

namespace Edge.Fleet.Tests.Health;

public sealed class PostgresRatingKeyStoreTests(PostgresServerFixture postgres) : RatingKeyStoreContract, IClassFixture<PostgresServerFixture>
{
    private NpgsqlDataSource? _dataSource;

    protected override async Task<IRatingKeyStore> CreateStoreAsync()
    {
        (_dataSource, _) = await postgres.CreateMigratedDatabaseAsync();
        return new PostgresRatingKeyStore(_dataSource);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
