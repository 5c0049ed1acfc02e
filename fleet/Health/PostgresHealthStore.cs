using System.Text.Json;
using Edge.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Health;

/// <summary>
/// <see cref="IHealthStore"/> on PostgreSQL (<c>health_history</c>, <c>health_latest</c>), shared by every node.
/// With an external broker every node receives every heartbeat and every node's recorder writes it: the history's
/// key (device, <see cref="HeartbeatIdentity.KeyOf"/>) with <c>ON CONFLICT DO NOTHING</c> keeps it once, and the
/// latest is replaced only by a heartbeat that is not older (<see cref="HeartbeatBoard"/>'s order, in SQL). Writing
/// on every node rather than on the leader only means no heartbeat is lost while leadership moves.
/// </summary>
public sealed class PostgresHealthStore(NpgsqlDataSource dataSource) : IHealthStore
{
    public async Task AppendAsync(IReadOnlyList<HealthSample> samples, CancellationToken cancellationToken) =>
        await WriteAsync(samples, cancellationToken);

    /// <summary>Writes <paramref name="samples"/>; returns how many rows changed (new history, latest moved).</summary>
    internal async Task<int> WriteAsync(IReadOnlyList<HealthSample> samples, CancellationToken cancellationToken)
    {
        if (samples.Count == 0)
        {
            return 0;
        }

        // Sorted (device, key): two nodes inserting the same heartbeats wait on each other's keys in one order, never in a cycle.
        var history = samples
            .Select(s => (Sample: s, Key: HeartbeatIdentity.KeyOf(s)))
            .DistinctBy(r => (r.Sample.DeviceId, r.Key))
            .OrderBy(r => r.Sample.DeviceId, StringComparer.Ordinal)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var latest = samples.GroupBy(s => s.DeviceId, StringComparer.Ordinal)
            .Select(g => g.Aggregate((held, s) => HeartbeatBoard.IsOlder(s, held) ? held : s))
            .OrderBy(s => s.DeviceId, StringComparer.Ordinal)
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO health_history (device_id, sample_key, received_at, report)
            SELECT d, k, r, j::jsonb FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS t(d, k, r, j)
            ON CONFLICT (device_id, sample_key) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = history.Select(r => r.Sample.DeviceId).ToArray() });
        insert.Parameters.Add(new() { Value = history.Select(r => r.Key).ToArray() });
        insert.Parameters.Add(new() { Value = history.Select(r => r.Sample.ReceivedAt.UtcDateTime).ToArray() });
        insert.Parameters.Add(new() { Value = history.Select(r => Serialize(r.Sample.Report)).ToArray() });
        batch.BatchCommands.Add(insert);

        // Sorted by device: two nodes upserting the same devices lock their rows in the same order.
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO health_latest AS h (device_id, received_at, reported_at, uptime_s, report)
            SELECT d, r, a, u, j::jsonb FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::bigint[], $5::text[]) AS t(d, r, a, u, j)
            ON CONFLICT (device_id) DO UPDATE
                SET received_at = excluded.received_at, reported_at = excluded.reported_at, uptime_s = excluded.uptime_s, report = excluded.report
                WHERE NOT (excluded.received_at < h.received_at
                           OR (excluded.uptime_s < h.uptime_s AND excluded.reported_at <= h.reported_at AND excluded.received_at <= h.received_at))
                  AND (excluded.received_at, excluded.uptime_s, excluded.reported_at) IS DISTINCT FROM (h.received_at, h.uptime_s, h.reported_at)
            """);
        upsert.Parameters.Add(new() { Value = latest.Select(s => s.DeviceId).ToArray() });
        upsert.Parameters.Add(new() { Value = latest.Select(s => s.ReceivedAt.UtcDateTime).ToArray() });
        upsert.Parameters.Add(new() { Value = latest.Select(s => s.Report.At.UtcDateTime).ToArray() });
        upsert.Parameters.Add(new() { Value = latest.Select(s => s.Report.UptimeS).ToArray() });
        upsert.Parameters.Add(new() { Value = latest.Select(s => Serialize(s.Report)).ToArray() });
        batch.BatchCommands.Add(upsert);

        await batch.ExecuteNonQueryAsync(cancellationToken);
        var written = checked((int)(insert.RecordsAffected + upsert.RecordsAffected));
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<IReadOnlyList<HealthSample>> LatestAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT device_id, received_at, report::text FROM health_latest ORDER BY device_id");
        return await ReadSamplesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<HealthSample>> HistoryAsync(
        string deviceId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT device_id, received_at, report::text FROM health_history
            WHERE device_id = $1 AND received_at >= $2 AND received_at < $3
            ORDER BY received_at DESC
            LIMIT $4
            """);
        command.Parameters.Add(new() { Value = deviceId });
        command.Parameters.Add(new() { Value = from.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = to.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = limit });
        return await ReadSamplesAsync(command, cancellationToken);
    }

    public async Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM health_history WHERE received_at < $1");
        command.Parameters.Add(new() { Value = before.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Serialize(HealthReport report) => JsonSerializer.Serialize(report, WireJson.Default.HealthReport);

    private static async Task<IReadOnlyList<HealthSample>> ReadSamplesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var samples = new List<HealthSample>();
        while (await reader.ReadAsync(cancellationToken))
        {
            samples.Add(new HealthSample(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                JsonSerializer.Deserialize(reader.GetString(2), WireJson.Default.HealthReport)!));
        }

        return samples;
    }
}
