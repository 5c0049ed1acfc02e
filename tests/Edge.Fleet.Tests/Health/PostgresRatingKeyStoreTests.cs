using Edge.Fleet.Health;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Health;

public sealed class PostgresRatingKeyStoreTests(PostgresServerFixture postgres) : RatingKeyStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IRatingKeyStore> CreateStoreAsync() => new PostgresRatingKeyStore(await MigratedDatabaseAsync(postgres));
}
