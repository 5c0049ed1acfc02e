using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Devices;

/// <summary>
/// <see cref="IPresenceStore"/> on PostgreSQL (<c>device_presence</c>), shared by every node. With an external broker
/// every node receives every status and writes it: the writes are ordered by the row's lock and the session rule
/// makes repeats harmless (a repeat only moves <c>last_seen</c>).
/// </summary>
public sealed class PostgresPresenceStore(NpgsqlDataSource dataSource) : IPresenceStore
{
    public async Task<IReadOnlyList<bool>> ApplyAsync(IReadOnlyList<PresenceChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        // One round trip and one (implicit) transaction for the batch. Its rows are locked in device order, so that two
        // nodes writing overlapping batches cannot deadlock; a device's own changes keep their order (a stable sort).
        var order = Enumerable.Range(0, changes.Count).OrderBy(i => changes[i].DeviceId, StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var i in order)
        {
            batch.BatchCommands.Add(Command(changes[i]));
        }

        var changed = new bool[changes.Count];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        foreach (var i in order)
        {
            changed[i] = await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0);
            await reader.NextResultAsync(cancellationToken);
        }

        return changed;
    }

    public async Task<IReadOnlyDictionary<string, Presence>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT device_id, online, session, last_seen FROM device_presence");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var all = new Dictionary<string, Presence>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            all[reader.GetString(0)] = new Presence(reader.GetBoolean(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }

        return all;
    }

    private static NpgsqlBatchCommand Command(PresenceChange change)
    {
        // Online: the old row is read in the same statement as the upsert; "came online" is judged against it.
        // Offline: only the current session, online, is ended.
        var command = new NpgsqlBatchCommand(change.Online
            ? """
              WITH old AS (SELECT online, session FROM device_presence WHERE device_id = $1 FOR UPDATE),
                   upsert AS (
                       INSERT INTO device_presence (device_id, online, session, last_seen) VALUES ($1, true, $2, $3)
                       ON CONFLICT (device_id) DO UPDATE SET online = true, session = excluded.session, last_seen = excluded.last_seen)
              SELECT NOT EXISTS (SELECT 1 FROM old WHERE online AND session = $2)
              """
            : """
              WITH ended AS (
                  UPDATE device_presence SET online = false, last_seen = $3 WHERE device_id = $1 AND session = $2 AND online RETURNING 1)
              SELECT EXISTS (SELECT 1 FROM ended)
              """);
        command.Parameters.Add(new() { Value = change.DeviceId });
        command.Parameters.Add(new() { Value = change.Session });
        command.Parameters.Add(new() { Value = change.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }

    /// <summary>Adds devices not in the table yet, as they are (for the move from LiteDB); returns how many.</summary>
    internal async Task<int> ImportAsync(IReadOnlyDictionary<string, Presence> presence, CancellationToken cancellationToken)
    {
        if (presence.Count == 0)
        {
            return 0;
        }

        var rows = presence.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO device_presence (device_id, online, session, last_seen)
            SELECT * FROM unnest($1::text[], $2::boolean[], $3::text[], $4::timestamptz[])
            ON CONFLICT (device_id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = rows.Select(r => r.Key).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Value.Online).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Value.Session).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Value.LastSeen.UtcDateTime).ToArray() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
