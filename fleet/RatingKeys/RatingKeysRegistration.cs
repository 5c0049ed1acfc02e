using Edge.Fleet.Ingest;
using Edge.Fleet.Store;
using Npgsql;

namespace Edge.Fleet.RatingKeys;

public static class RatingKeysRegistration
{
    /// <summary>
    /// The rating-key catalogue (a stored-batch subscriber of ingest) and its store (<c>{Fleet:DataDir}/rating-keys.db</c>
    /// or PostgreSQL by <c>Store:Kind</c>); needs <c>AddIngest</c> and <c>AddSelectedEventStore</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRatingKeys(this IHostApplicationBuilder builder)
    {
        builder.AddFleetStore<IRatingKeyStore>(
            sp => new LiteRatingKeyStore(FleetOptions.FileIn(sp, "rating-keys.db"), FleetOptions.FileIn(sp, "rating-keys.json"), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresRatingKeyStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<RatingKeyCatalog>();
        builder.Services.AddStoredBatchSubscriber<RatingKeyCatalog>();
        return builder;
    }
}
