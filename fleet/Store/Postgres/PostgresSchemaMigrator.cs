using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// Brings the schema up to date when the node starts, before ingest takes batches, so that an unreachable
/// database or a schema newer than this build stops start-up instead of failing the first batch. The failure is
/// reported as a bad <c>Store:Postgres:ConnectionString</c>, which the launcher prints as one line naming the key.
/// </summary>
public sealed class PostgresSchemaMigrator(PostgresEventStore store, PostgresMigrations migrations, ILogger<PostgresSchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.EnsureSchemaAsync(cancellationToken);
            logger.LogInformation("PostgreSQL store ready (schema version {Version})", migrations.LatestVersion);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                [$"{StoreOptions.Section}:Postgres:ConnectionString names a database this node cannot use ({ex.Message})"]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
