using Edge.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Store.Postgres;

/// <summary>
/// <see cref="IEventStore"/> on PostgreSQL, for fleets of several nodes sharing one database.
/// Each append is one transaction: it locks the devices' rows in <c>device_sequences</c> (sorted, so two nodes never
/// deadlock on them), inserts the events with <c>ON CONFLICT DO NOTHING</c> on (device_id, seq), projects the new
/// ratings, and moves <c>up_to</c> forward from what the events table holds. Because every writer of a device holds
/// its row lock until commit, <c>up_to</c> is right even when two nodes store the same device at the same time.
/// The commit returns once PostgreSQL has flushed its WAL (synchronous_commit on, the server default): durable.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresMigrations? _migrations;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <param name="dataSource">The node's shared data source.</param>
    /// <param name="migrations">
    /// The node's whole schema (every feature's, collected by the host), applied before the first use; null when the
    /// caller has brought the schema up to date already (the <c>move-to-postgres</c> verb, tests).
    /// </param>
    public PostgresEventStore(NpgsqlDataSource dataSource, PostgresMigrations? migrations = null)
    {
        _dataSource = dataSource;
        _migrations = migrations;
        _schemaReady = migrations is null;
    }

    /// <summary>Applies pending migrations once per process (safe when other nodes do the same at the same time).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await PostgresSchema.MigrateAsync(_dataSource, _migrations!, cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> AppendAsync(
        IReadOnlyList<EventBatch> batches, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        var rows = EventRows.From(batches);
        var upTo = new Dictionary<string, long>(StringComparer.Ordinal);
        if (rows.Count > 0)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AppendOnceAsync(rows, receivedAt.UtcDateTime, upTo, cancellationToken);
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                                   && attempt < MaxAttempts)
                {
                    // Rolled back whole: nothing of this attempt is stored, so trying again is safe.
                    upTo.Clear();
                }
            }
        }

        foreach (var device in rows.DevicesWithoutEvents)
        {
            upTo[device] = await GetAckedUpToAsync(device, cancellationToken);
        }

        return upTo;
    }

    public async Task<long> GetAckedUpToAsync(string deviceId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("SELECT up_to FROM device_sequences WHERE device_id = $1");
        command.Parameters.Add(new() { Value = deviceId });
        return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : 0;
    }

    public async Task<IReadOnlyList<DeviceEvent>> ReadEventsAsync(string deviceId, long afterSeq, int max, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            SELECT seq, kind, at, uptime_ms, counter, level, scale, suspect, ticket, field, subject, state, detail
            FROM events WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
            """);
        command.Parameters.Add(new() { Value = deviceId });
        command.Parameters.Add(new() { Value = afterSeq });
        command.Parameters.Add(new() { Value = Math.Max(max, 0) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<DeviceEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new DeviceEvent
            {
                Seq = reader.GetInt64(0),
                Kind = reader.GetString(1),
                At = new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                UptimeMs = reader.GetInt64(3),
                Counter = reader.IsDBNull(4) ? null : reader.GetString(4),
                Level = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Scale = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Suspect = reader.IsDBNull(7) ? null : reader.GetBoolean(7),
                Ticket = reader.IsDBNull(8) ? null : reader.GetString(8),
                Field = reader.IsDBNull(9) ? null : reader.GetString(9),
                Subject = reader.IsDBNull(10) ? null : reader.GetString(10),
                State = reader.IsDBNull(11) ? null : reader.GetString(11),
                Detail = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return events;
    }

    public async Task<IReadOnlyList<DeviceSequence>> ListSequencesAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            SELECT device_id, up_to, max_seq, stored, greatest(max_seq - stored, 0), dropped, last_received_at
            FROM device_sequences
            WHERE stored > 0
            ORDER BY device_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DeviceSequence>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeviceSequence(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        }

        return list;
    }

    public async Task<long> PlaceInTimeAsync(ClockAnchor anchor, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);

        // Literal states in the WHERE clause, so that the planner can use the partial index of pending ratings.
        var movable = anchor.Exact ? "clock IN ('unsynced', 'estimated')" : "clock = 'unsynced'";
        await using var command = _dataSource.CreateCommand($"""
            UPDATE ratings
            SET at = $3 + (uptime_ms - $4) * interval '1 millisecond', clock = $5
            WHERE device_id = $1 AND run = $2 AND {movable}
            """);
        command.Parameters.Add(new() { Value = anchor.DeviceId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = anchor.Run, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = anchor.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        // Stored uptimes are within StorableEvent.MaxUptimeMs; an anchor's is clamped the same way, so the interval
        // below stays within what PostgreSQL can add to a timestamp.
        command.Parameters.Add(new() { Value = Math.Clamp(anchor.UptimeMs, 0, StorableEvent.MaxUptimeMs), NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = RatingClock.After(anchor), NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<EventConflict>> ListConflictsAsync(string? deviceId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            SELECT device_id, seq, stored_hash, new_hash, detected_at
            FROM event_conflicts
            WHERE $1::text IS NULL OR device_id = $1
            ORDER BY detected_at, device_id, seq
            """);
        command.Parameters.Add(new() { Value = (object?)deviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EventConflict>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new EventConflict(
                reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero)));
        }

        return list;
    }

    public async Task<RatingCounts> CountRatingsAsync(RatingFilter filter, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            SELECT level, count(*), count(*) FILTER (WHERE satisfied)
            FROM ratings
            WHERE NOT suspect
              AND ($1::text IS NULL OR counter = $1)
              AND ($2::text IS NULL OR field = $2)
              AND ($3::text IS NULL OR device_id = $3)
              AND ($4::timestamptz IS NULL OR at >= $4)
              AND ($5::timestamptz IS NULL OR at < $5)
            GROUP BY level
            """);
        command.Parameters.Add(new() { Value = (object?)filter.Counter ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)filter.Field ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)filter.DeviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)filter.From?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)filter.To?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var byLevel = new Dictionary<int, long>();
        long satisfied = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            byLevel[reader.GetInt32(0)] = reader.GetInt64(1);
            satisfied += reader.GetInt64(2);
        }

        return new RatingCounts(byLevel, satisfied);
    }

    private async Task AppendOnceAsync(EventRows rows, DateTime receivedAt, Dictionary<string, long> upTo, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // 1. Lock every device's row, creating the missing ones, in sorted order.
        batch.BatchCommands.Add(Command("""
            INSERT INTO device_sequences (device_id, last_received_at)
            SELECT d, $2 FROM unnest($1::text[]) AS d ORDER BY d
            ON CONFLICT (device_id) DO NOTHING
            """, [rows.Devices, receivedAt]));
        batch.BatchCommands.Add(Command(
            "SELECT device_id FROM device_sequences WHERE device_id = ANY($1) ORDER BY device_id FOR UPDATE",
            [rows.Devices]));

        // 2. Store what is new and count it per device.
        batch.BatchCommands.Add(Command("""
            WITH inserted AS (
                INSERT INTO events (device_id, seq, kind, at, uptime_ms, counter, level, scale, suspect,
                                    ticket, field, subject, state, detail, content_hash, received_at)
                SELECT e.*, $16
                FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::bigint[], $6::text[],
                            $7::integer[], $8::integer[], $9::boolean[], $10::text[], $11::text[], $12::text[],
                            $13::text[], $14::text[], $15::text[]) AS e
                ON CONFLICT (device_id, seq) DO NOTHING
                RETURNING device_id, seq, kind
            ), counts AS (
                SELECT device_id, count(*) AS n, count(*) FILTER (WHERE kind = $17) AS dropped, max(seq) AS max_seq
                FROM inserted
                GROUP BY device_id
            )
            UPDATE device_sequences s
            SET stored = s.stored + c.n,
                dropped = s.dropped + c.dropped,
                max_seq = greatest(s.max_seq, c.max_seq)
            FROM counts c
            WHERE s.device_id = c.device_id
            """,
            [rows.DeviceId, rows.Seq, rows.Kind, rows.At, rows.UptimeMs, rows.Counter, rows.Level, rows.Scale, rows.Suspect,
            rows.Ticket, rows.Field, rows.Subject, rows.State, rows.Detail, rows.ContentHash, receivedAt, EventKinds.Dropped]));

        // 2b. A candidate whose stored copy (older, or the first copy of this append) has other content: a conflict.
        //     A separate statement, so that it sees the rows the insert above just made.
        batch.BatchCommands.Add(Command("""
            INSERT INTO event_conflicts (device_id, seq, stored_hash, new_hash, detected_at)
            SELECT c.device_id, c.seq, e.content_hash, c.hash, $4
            FROM unnest($1::text[], $2::bigint[], $3::text[]) AS c(device_id, seq, hash)
            JOIN events e ON e.device_id = c.device_id AND e.seq = c.seq
            WHERE e.content_hash IS NOT NULL AND e.content_hash <> c.hash
            ON CONFLICT DO NOTHING
            """, [rows.CandidateDevice, rows.CandidateSeq, rows.CandidateHash, receivedAt]));
        if (rows.Ratings.Count > 0)
        {
            var r = rows.Ratings;
            batch.BatchCommands.Add(Command("""
                INSERT INTO ratings (device_id, seq, counter, field, level, scale, satisfied, suspect, at, run, uptime_ms, clock)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::integer[], $6::integer[],
                                     $7::boolean[], $8::boolean[], $9::timestamptz[], $10::text[], $11::bigint[], $12::text[])
                ON CONFLICT (device_id, seq) DO NOTHING
                """,
                [r.DeviceId, r.Seq, r.Counter, r.Field, r.Level, r.Scale, r.Satisfied, r.Suspect, r.At, r.Run, r.UptimeMs, r.Clock]));
        }

        // 3. Move up_to to the highest contiguous seq. It can only move when seq up_to + 1 has just arrived
        //    (every earlier writer left it exact), so the scan of the device's tail runs only then.
        batch.BatchCommands.Add(Command("""
            UPDATE device_sequences s
            SET up_to = CASE
                    WHEN EXISTS (SELECT 1 FROM events e WHERE e.device_id = s.device_id AND e.seq = s.up_to + 1)
                    THEN (SELECT coalesce(max(t.seq), s.up_to)
                          FROM (SELECT e.seq, row_number() OVER (ORDER BY e.seq) AS rn
                                FROM events e
                                WHERE e.device_id = s.device_id AND e.seq > s.up_to) AS t
                          WHERE t.seq = s.up_to + t.rn)
                    ELSE s.up_to
                END,
                last_received_at = greatest(s.last_received_at, $2)
            WHERE s.device_id = ANY($1)
            RETURNING s.device_id, s.up_to
            """, [rows.Devices, receivedAt]));

        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // The up-to per device is the last result set, the only one with two columns.
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.FieldCount == 2)
                    {
                        upTo[reader.GetString(0)] = reader.GetInt64(1);
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
