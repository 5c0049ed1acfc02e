using Edge.Fleet.Devices;
using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Health;

/// <summary>
/// Moves an embedded fleet's heartbeats (<c>health.db</c>: history and latest), device presence (<c>presence.db</c>)
/// and rating keys (<c>rating-keys.db</c>, or the older <c>rating-keys.json</c>) into PostgreSQL. Idempotent: the
/// history is keyed by heartbeat, the latest only moves forward, presence and keys are added only where absent.
/// </summary>
public sealed class HealthDataCopier : IEmbeddedDataCopier
{
    private const int HistoryBatch = 5_000;

    public string What => "heartbeats (latest and history), device presence, rating keys";

    public int Order => 20;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand("""
            SELECT (SELECT count(*) FROM health_history) + (SELECT count(*) FROM health_latest)
                 + (SELECT count(*) FROM device_presence) + (SELECT count(*) FROM rating_counters)
                 + (SELECT count(*) FROM rating_fields) + (SELECT count(*) FROM rating_device_counters)
            """);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        long written = 0;
        var healthFile = source.FileIn("health.db");
        if (File.Exists(healthFile))
        {
            using var lite = new LiteHealthStore(healthFile);
            var postgres = new PostgresHealthStore(target);
            foreach (var chunk in lite.ReadHistoryInPages(HistoryBatch))
            {
                written += await postgres.WriteAsync(chunk, cancellationToken);
            }

            // The latest may be older than the history kept (trimmed): written as the latest, and as history once.
            written += await postgres.WriteAsync(await lite.LatestAsync(cancellationToken), cancellationToken);
        }

        var presenceFile = source.FileIn("presence.db");
        if (File.Exists(presenceFile))
        {
            using var lite = new LitePresenceStore(presenceFile);
            written += await new PostgresPresenceStore(target).ImportAsync(await lite.ReadAllAsync(cancellationToken), cancellationToken);
        }

        var keysFile = source.FileIn("rating-keys.db");
        var legacyKeys = source.FileIn("rating-keys.json");
        RatingKeySet? keys = null;
        if (File.Exists(keysFile))
        {
            using var lite = new LiteRatingKeyStore(keysFile);
            keys = await lite.LoadAsync(cancellationToken);
        }
        else
        {
            // A fleet that has not started since the catalogue moved into LiteDB still has only the JSON file.
            keys = LiteRatingKeyStore.ReadJson(legacyKeys);
        }

        if (keys is not null)
        {
            written += await new PostgresRatingKeyStore(target).ImportAsync(keys, cancellationToken);
        }

        return written;
    }
}
