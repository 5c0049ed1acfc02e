using Edge.Fleet.Store.Moving;
using Npgsql;
using Edge.Fleet.Store;

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

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "config_layers", "config_reported");

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
        var written = await CopiedRows.InsertAsync(connection, transaction, layers, layer =>
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO config_layers (id, settings, revision, updated_at, updated_by) VALUES ($1, $2::jsonb, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """);
            insert.Parameters.Add(new() { Value = layer.Id });
            insert.Parameters.Add(new() { Value = layer.SettingsJson });
            insert.Parameters.Add(new() { Value = layer.Revision });
            insert.Parameters.Add(new() { Value = PostgresTime.Utc(layer.UpdatedAt) });
            insert.Parameters.Add(new() { Value = layer.UpdatedBy });
            return insert;
        }, cancellationToken);
        written += await CopiedRows.InsertAsync(connection, transaction, reported, record =>
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO config_reported (device_id, applied_version, state, rejected_version, reason, restart_pending, at, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT DO NOTHING
                """);
            PostgresDesiredConfigStore.AddReported(insert.Parameters, record);
            return insert;
        }, cancellationToken);

        await using (var raise = new NpgsqlCommand(
            "UPDATE config_revision SET value = greatest(value, (SELECT coalesce(max(revision), 0) FROM config_layers))", connection, transaction))
        {
            await raise.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
