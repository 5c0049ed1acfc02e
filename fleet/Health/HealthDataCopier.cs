using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

namespace Edge.Fleet.Health;

/// <summary>
/// Moves an embedded fleet's heartbeats (<c>health.db</c>: history and latest) into PostgreSQL. Idempotent: the
/// history is keyed by heartbeat, the latest only moves forward. Presence and rating keys, in the same migration,
/// are copied by their own features (<c>PresenceDataCopier</c>, <c>RatingKeyDataCopier</c>).
/// </summary>
public sealed class HealthDataCopier : IEmbeddedDataCopier
{
    private const int HistoryBatch = 5_000;

    public string What => "heartbeats (latest and history)";

    public int Order => 20;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "health_history", "health_latest");

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

        return written;
    }
}
