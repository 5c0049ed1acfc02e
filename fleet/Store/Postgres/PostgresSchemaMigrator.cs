using Npgsql;

namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// Brings the schema up to date when the node starts, before ingest takes batches, so that an unreachable
/// database or a schema newer than this build stops start-up instead of failing the first batch.
/// </summary>
public sealed class PostgresSchemaMigrator(PostgresEventStore store, ILogger<PostgresSchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.EnsureSchemaAsync(cancellationToken);
            logger.LogInformation("PostgreSQL store ready (schema version {Version})", PostgresSchema.LatestVersion);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"Store:Postgres:ConnectionString: cannot use the database ({ex.Message})", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
