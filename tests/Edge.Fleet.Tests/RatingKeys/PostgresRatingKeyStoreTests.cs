using Edge.Fleet.RatingKeys;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.RatingKeys;

public sealed class PostgresRatingKeyStoreTests(PostgresServerFixture postgres) : RatingKeyStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override async Task<IRatingKeyStore> CreateStoreAsync() => new PostgresRatingKeyStore(await MigratedDatabaseAsync(postgres));
}
