using Edge.Fleet.Store;
using Edge.Fleet.Store.Moving;
using Npgsql;

namespace Edge.Fleet.RatingKeys;

/// <summary>
/// Moves an embedded fleet's rating keys (<c>rating-keys.db</c>, or the older <c>rating-keys.json</c>) into PostgreSQL;
/// keys are added only where absent.
/// </summary>
public sealed class RatingKeyDataCopier : IEmbeddedDataCopier
{
    public string What => "rating keys";

    public int Order => 22;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "rating_counters", "rating_fields", "rating_device_counters");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var keysFile = source.FileIn("rating-keys.db");
        RatingKeySet? keys;
        if (File.Exists(keysFile))
        {
            using var lite = new LiteRatingKeyStore(keysFile);
            keys = await lite.LoadAsync(cancellationToken);
        }
        else
        {
            // A fleet that has not started since the catalogue moved into LiteDB still has only the JSON file.
            keys = LiteRatingKeyStore.ReadJson(source.FileIn("rating-keys.json"));
        }

        return keys is null ? 0 : await new PostgresRatingKeyStore(target).ImportAsync(keys, cancellationToken);
    }
}
