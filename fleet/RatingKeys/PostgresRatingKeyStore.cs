using Npgsql;

namespace Edge.Fleet.RatingKeys;

/// <summary>
/// <see cref="IRatingKeyStore"/> on PostgreSQL (<c>rating_counters</c>, <c>rating_fields</c>,
/// <c>rating_device_counters</c>), shared by every node: each node learns from the batches it ingests (shared
/// subscriptions spread devices over nodes) and every node reads the union.
/// </summary>
public sealed class PostgresRatingKeyStore(NpgsqlDataSource dataSource) : IRatingKeyStore
{
    public async Task<RatingKeySet> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counters = await ReadColumnAsync(connection, "SELECT counter FROM rating_counters ORDER BY counter COLLATE \"C\"", cancellationToken);
        var fields = await ReadColumnAsync(connection, "SELECT field FROM rating_fields ORDER BY field COLLATE \"C\"", cancellationToken);
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT device_id, counter FROM rating_device_counters", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            devices[reader.GetString(0)] = reader.GetString(1);
        }

        return new RatingKeySet(counters, fields, devices);
    }

    public async Task<bool> LearnAsync(RatingKeySet learnt, CancellationToken cancellationToken) =>
        await WriteAsync(learnt.Counters, learnt.Fields, learnt.DeviceCounters.Select(d => (d.Key, d.Value)).ToList(), cancellationToken) > 0;

    /// <summary>Adds a whole catalogue (for the move from LiteDB); returns how many rows were new.</summary>
    internal Task<int> ImportAsync(RatingKeySet keys, CancellationToken cancellationToken) =>
        WriteAsync(keys.Counters, keys.Fields, keys.DeviceCounters.Select(d => (d.Key, d.Value)).ToList(), cancellationToken, replaceDeviceCounters: false);

    private async Task<int> WriteAsync(
        IReadOnlyCollection<string> counters,
        IReadOnlyCollection<string> fields,
        IReadOnlyCollection<(string Device, string Counter)> deviceCounters,
        CancellationToken cancellationToken,
        bool replaceDeviceCounters = true)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        Add(batch, "INSERT INTO rating_counters SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING", counters.ToArray());
        Add(batch, "INSERT INTO rating_fields SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING", fields.ToArray());
        var onConflict = replaceDeviceCounters
            ? "ON CONFLICT (device_id) DO UPDATE SET counter = excluded.counter WHERE rating_device_counters.counter <> excluded.counter"
            : "ON CONFLICT (device_id) DO NOTHING";
        var sorted = deviceCounters.OrderBy(d => d.Device, StringComparer.Ordinal).ToList();
        Add(batch, $"INSERT INTO rating_device_counters SELECT * FROM unnest($1::text[], $2::text[]) {onConflict}",
            sorted.Select(d => d.Device).ToArray(), sorted.Select(d => d.Counter).ToArray());
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var written = 0;
        foreach (var command in batch.BatchCommands)
        {
            written += checked((int)command.RecordsAffected);
        }

        return written;
    }

    private static void Add(NpgsqlBatch batch, string sql, params string[][] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var array in arrays)
        {
            command.Parameters.Add(new() { Value = array });
        }

        batch.BatchCommands.Add(command);
    }

    private static async Task<List<string>> ReadColumnAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
