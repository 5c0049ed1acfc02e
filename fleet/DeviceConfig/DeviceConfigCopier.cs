using Edge.Fleet.Hosting;
using Edge.Fleet.Store.Moving;
using Npgsql;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// Copies <c>config.db</c> (layers with their revisions, reports) into PostgreSQL for <c>move-to-postgres</c>. Rows
/// already there are left alone (idempotent), and the revision counter is raised to the highest copied revision, so
/// the next put on PostgreSQL takes a version every device sees as newer.
/// </summary>
public sealed class DeviceConfigCopier : IEmbeddedDataCopier
{
    public string What => "desired configuration layers, reported configurations";

    public int Order => 50;

    public async Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand("SELECT (SELECT count(*) FROM config_layers) + (SELECT count(*) FROM config_reported)");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(LiteDesiredConfigStore.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyList<ConfigLayer> layers;
        IReadOnlyList<ReportedRecord> reported;
        using (var lite = new LiteDesiredConfigStore(path))
        {
            layers = await lite.ListLayersAsync(cancellationToken);
            reported = await lite.ListReportedAsync(cancellationToken);
        }

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long written = 0;
        foreach (var layer in layers)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO config_layers (id, settings, revision, updated_at, updated_by) VALUES ($1, $2::jsonb, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """, connection, transaction);
            insert.Parameters.Add(new() { Value = layer.Id });
            insert.Parameters.Add(new() { Value = layer.SettingsJson });
            insert.Parameters.Add(new() { Value = layer.Revision });
            insert.Parameters.Add(new() { Value = PostgresTime.Utc(layer.UpdatedAt) });
            insert.Parameters.Add(new() { Value = layer.UpdatedBy });
            written += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var record in reported)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO config_reported (device_id, applied_version, state, rejected_version, reason, restart_pending, at, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT DO NOTHING
                """, connection, transaction);
            PostgresDesiredConfigStore.AddReported(insert.Parameters, record);
            written += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var raise = new NpgsqlCommand(
            "UPDATE config_revision SET value = greatest(value, (SELECT coalesce(max(revision), 0) FROM config_layers))", connection, transaction))
        {
            await raise.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
