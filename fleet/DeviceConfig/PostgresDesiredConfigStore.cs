using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.DeviceConfig;

/// <summary>
/// <see cref="IDesiredConfigStore"/> on PostgreSQL (tables of <see cref="DeviceConfigSchema"/>), shared by every node.
/// A put is one statement: it increments the single row of <c>config_revision</c> and upserts the layer with the new
/// value. The row lock on <c>config_revision</c> is held until the commit, so two nodes putting at once are serialised:
/// both layers are stored, with different revisions, and revisions commit in increasing order (a sequence would not
/// give that: a lower number could commit after a higher one was already published). No cache: every read goes to the
/// database.
/// </summary>
public sealed class PostgresDesiredConfigStore(NpgsqlDataSource dataSource) : IDesiredConfigStore
{
    private const string LayerColumns = "id, settings::text, revision, updated_at, updated_by";
    private const string ReportedColumns = "device_id, applied_version, state, rejected_version, reason, restart_pending, at, received_at";

    public async Task<ConfigLayer?> FindLayerAsync(string id, CancellationToken cancellationToken) =>
        (await FindLayersAsync([id], cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<ConfigLayer>> FindLayersAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {LayerColumns} FROM config_layers WHERE id = ANY($1)");
        command.Parameters.Add(new() { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ReadLayersAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ConfigLayer>> ListLayersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {LayerColumns} FROM config_layers ORDER BY id COLLATE \"C\"");
        return await ReadLayersAsync(command, cancellationToken);
    }

    public async Task<ConfigLayer> PutLayerAsync(string id, string settingsJson, DateTime updatedAt, string updatedBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH next AS (UPDATE config_revision SET value = value + 1 RETURNING value)
            INSERT INTO config_layers (id, settings, revision, updated_at, updated_by)
            SELECT $1, $2::jsonb, next.value, $3, $4 FROM next
            ON CONFLICT (id) DO UPDATE
                SET settings = excluded.settings, revision = excluded.revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            RETURNING {LayerColumns}
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = settingsJson });
        command.Parameters.Add(new() { Value = PostgresTime.Utc(updatedAt) });
        command.Parameters.Add(new() { Value = updatedBy });
        return (await ReadLayersAsync(command, cancellationToken)).Single();
    }

    public async Task<ReportedRecord?> FindReportedAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ReportedColumns} FROM config_reported WHERE device_id = $1");
        command.Parameters.Add(new() { Value = deviceId });
        return (await ReadReportedAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ReportedRecord>> FindReportedAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ReportedColumns} FROM config_reported WHERE device_id = ANY($1)");
        command.Parameters.Add(new() { Value = deviceIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ReadReportedAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReportedRecord>> ListReportedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ReportedColumns} FROM config_reported ORDER BY device_id COLLATE \"C\"");
        return await ReadReportedAsync(command, cancellationToken);
    }

    public async Task SaveReportedAsync(ReportedRecord record, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO config_reported ({ReportedColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (device_id) DO UPDATE SET
                applied_version = excluded.applied_version, state = excluded.state, rejected_version = excluded.rejected_version,
                reason = excluded.reason, restart_pending = excluded.restart_pending, at = excluded.at, received_at = excluded.received_at
            """);
        AddReported(command.Parameters, record);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parameters $1-$8 of a <c>config_reported</c> row, in <see cref="ReportedColumns"/> order.</summary>
    internal static void AddReported(NpgsqlParameterCollection parameters, ReportedRecord record)
    {
        parameters.Add(new() { Value = record.DeviceId });
        parameters.Add(new() { Value = record.AppliedVersion });
        parameters.Add(new() { Value = record.State });
        parameters.Add(new() { Value = (object?)record.RejectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.Add(new() { Value = (object?)record.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new() { Value = record.RestartPending.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new() { Value = PostgresTime.Utc(record.At) });
        parameters.Add(new() { Value = PostgresTime.Utc(record.ReceivedAt) });
    }

    private static async Task<IReadOnlyList<ConfigLayer>> ReadLayersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var layers = new List<ConfigLayer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            layers.Add(new ConfigLayer
            {
                Id = reader.GetString(0),
                SettingsJson = reader.GetString(1),
                Revision = reader.GetInt64(2),
                UpdatedAt = reader.GetDateTime(3),
                UpdatedBy = reader.GetString(4),
            });
        }

        return layers;
    }

    private static async Task<IReadOnlyList<ReportedRecord>> ReadReportedAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<ReportedRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ReportedRecord
            {
                DeviceId = reader.GetString(0),
                AppliedVersion = reader.GetInt64(1),
                State = reader.GetString(2),
                RejectedVersion = reader.IsDBNull(3) ? null : reader.GetInt64(3),
                Reason = reader.IsDBNull(4) ? null : reader.GetString(4),
                RestartPending = [.. reader.GetFieldValue<string[]>(5)],
                At = reader.GetDateTime(6),
                ReceivedAt = reader.GetDateTime(7),
            });
        }

        return records;
    }
}
