using Edge.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Queue;

/// <summary>
/// <see cref="IQueueStore"/> on PostgreSQL, shared by every node of the fleet (tables of <see cref="QueueSchema"/>).
/// A hand-out is one transaction: it locks the device's row in <c>queue_last_calls</c> (a resend finds its answer
/// there), then takes a transaction advisory lock on the centre, so the hand-outs of one centre take turns across
/// nodes as they take turns under the embedded store's lock, then marks the head of the waiting list called with the
/// next value of the sequence <c>queue_call_order</c>, and records the answer. The commit returns once PostgreSQL
/// has flushed its WAL: durable before the counter hears of it. Events are applied by statements that change a row
/// only when the event adds something to it, so two nodes applying the same batch at once change it once.
/// Nothing is cached on the node.
/// </summary>
public sealed class PostgresQueueStore(NpgsqlDataSource dataSource, QueueParkingCounts? parkingCounts = null) : IQueueStore
{
    private const int MaxAttempts = 5;

    /// <summary>Times the head of a list may change under a hand-out (an event applied meanwhile) before it gives up.</summary>
    private const int MaxHeadAttempts = 10;

    private const string TicketKey = "WHERE centre = $1 AND day = $2 AND number = $3";

    private readonly QueueParkingCounts parking = parkingCounts ?? new QueueParkingCounts();

    /// <summary>Guard of a counter's event ($5 its counter): not from the counter the ticket was transferred away from (<see cref="QueueTicket.IsFromFormerCounter"/>).</summary>
    /// <summary>A ticket.called event ($5 its counter) sent by the ticket's kiosk ($6): a hand-out during an outage.</summary>
    private const string FromKiosk = "(kiosk = $6 AND $5 IS NOT NULL)";

    private const string NotFromFormerCounter = "NOT ($5 IS NOT NULL AND transferred_from IS NOT DISTINCT FROM $5 AND counter IS DISTINCT FROM $5)";

    public async Task<int> ApplyAsync(
        string centre, string deviceId, IReadOnlyList<DeviceEvent> events, Func<DeviceEvent, TicketPlace>? place, CancellationToken cancellationToken)
    {
        place ??= TicketPlace.AsLabelled;
        // ticket.issued first (a stable order otherwise): an event of a ticket issued in the same batch then finds it. The
        // embedded store parks such an event and applies it right after the insert instead: the same outcome.
        var relevant = QueueEvents.Relevant(events)
            .OrderBy(e => e.Kind == EventKinds.TicketIssued ? 0 : 1)
            .Select(e => (Event: e, Place: e.Kind == EventKinds.TicketIssued ? place(e) : (TicketPlace?)null))
            .ToList();
        if (relevant.Count == 0)
        {
            return 0;
        }

        var tally = new ParkingTally();
        var changed = await RetryingAsync(async () =>
        {
            tally = new ParkingTally();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockTicketsAsync(connection, transaction, centre, relevant.Select(r => r.Event), cancellationToken);

            var applied = relevant.Select(r => (r.Event, Command: ApplyCommand(centre, deviceId, r.Event, r.Place))).ToList();
            var commands = applied.Select(a => a.Command).OfType<NpgsqlBatchCommand>().ToList();
            var changed = await ExecuteBatchAsync(connection, transaction, commands, cancellationToken);

            var waiting = applied.Where(a => QueueParking.CanWait(a.Event) && (a.Command is null || a.Command.RecordsAffected == 0)).Select(a => a.Event).ToList();
            await ParkUnknownAsync(connection, transaction, centre, deviceId, waiting, tally, cancellationToken);
            var issued = applied.Where(a => a.Event.Kind == EventKinds.TicketIssued && a.Command?.RecordsAffected == 1).Select(a => a.Event).ToList();
            await ApplyParkedAsync(connection, transaction, centre, issued, tally, cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return changed;
        });
        parking.Add(tally);
        return changed;
    }

    /// <summary>Every event waiting for its ticket, for tests and the copier.</summary>
    internal async Task<IReadOnlyList<ParkedQueueEvent>> AllParkedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT event_key, centre, day, number, device_id, event FROM queue_parked");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parked = new List<ParkedQueueEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedQueueEvent
            {
                Id = reader.GetString(0), Centre = reader.GetString(1), Day = reader.GetString(2), Number = reader.GetString(3),
                TicketId = QueueTicket.IdOf(reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                DeviceId = reader.GetString(4), Event = reader.GetString(5),
            });
        }

        return parked;
    }

    /// <summary>
    /// Takes the transaction's lock of each ticket the events name, in one order on every node: a ticket.issued and an
    /// event parked for its ticket take turns, so an event is never parked just after its ticket's parked events were
    /// applied (by another node whose insert this one could not see yet).
    /// </summary>
    private static Task<int> LockTicketsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, IEnumerable<DeviceEvent> events, CancellationToken cancellationToken)
    {
        var keys = events.Select(e => "queue-ticket|" + QueueTicket.IdOf(centre, e.Detail!, e.Ticket!)).Distinct().Order(StringComparer.Ordinal).ToArray();
        return ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k", [TextArray(keys)], cancellationToken);
    }

    /// <summary>Parks the events among <paramref name="candidates"/> whose ticket is not in the table (up to the centre's limit).</summary>
    private static async Task ParkUnknownAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, string deviceId, List<DeviceEvent> candidates, ParkingTally tally,
        CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return;
        }

        var known = new HashSet<(string, string)>();
        await using (var command = new NpgsqlCommand("""
            SELECT day, number FROM queue_tickets WHERE centre = $1 AND (day, number) IN (SELECT d, n FROM unnest($2::text[], $3::text[]) AS t(d, n))
            """, connection, transaction))
        {
            command.Parameters.AddRange((NpgsqlParameter[])[Text(centre), TextArray([.. candidates.Select(e => e.Detail!)]), TextArray([.. candidates.Select(e => e.Ticket!)])]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var unknown = candidates.Where(e => !known.Contains((e.Detail!, e.Ticket!))).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        await using (var count = new NpgsqlCommand("SELECT count(*) FROM queue_parked WHERE centre = $1", connection, transaction))
        {
            count.Parameters.Add(Text(centre));
            var room = QueueParking.MaxPerCentre - Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken));
            tally.Dropped += Math.Max(0, unknown.Count - Math.Max(0, room));
            unknown = unknown.Take(Math.Max(0, room)).ToList();
        }

        tally.Parked += await ExecuteBatchAsync(connection, transaction, unknown.Select(e => Command("""
            INSERT INTO queue_parked (event_key, centre, day, number, device_id, event) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
            """, [
                Text(QueueParking.KeyOf(QueueTicket.IdOf(centre, e.Detail!, e.Ticket!), deviceId, e)), Text(centre), Text(e.Detail), Text(e.Ticket),
                Text(deviceId), Text(QueueParking.Serialize(e)),
            ])).ToList(), cancellationToken);
    }

    /// <summary>Applies and removes the events parked for the tickets <paramref name="issued"/> has just inserted.</summary>
    private static async Task ApplyParkedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, List<DeviceEvent> issued, ParkingTally tally, CancellationToken cancellationToken)
    {
        if (issued.Count == 0)
        {
            return;
        }

        var parked = new List<(string DeviceId, DeviceEvent Event)>();
        await using (var command = new NpgsqlCommand("""
            DELETE FROM queue_parked WHERE centre = $1 AND (day, number) IN (SELECT d, n FROM unnest($2::text[], $3::text[]) AS t(d, n))
            RETURNING device_id, event
            """, connection, transaction))
        {
            command.Parameters.AddRange((NpgsqlParameter[])[Text(centre), TextArray([.. issued.Select(e => e.Detail!)]), TextArray([.. issued.Select(e => e.Ticket!)])]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                parked.Add((reader.GetString(0), QueueParking.Deserialize(reader.GetString(1))));
            }
        }

        // One statement after the other, in event order: each sees what the one before it changed.
        foreach (var (sender, e) in QueueParking.InApplyOrder(parked))
        {
            if (ApplyCommand(centre, sender, e, null) is { } command)
            {
                await ExecuteBatchAsync(connection, transaction, [command], cancellationToken);
            }

            tally.Applied++;
        }
    }

    private static async Task<int> ExecuteBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        if (commands.Count == 0)
        {
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return commands.Sum(c => c.RecordsAffected);
    }

    public Task<CallReply> ActAsync(
        string centre, string deviceId, CallRequest request, string day, DateTimeOffset now, QueueRules rules, CancellationToken cancellationToken) =>
        RetryingAsync(() => ActOnceAsync(centre, deviceId, request, day, QueueEvents.ToMilliseconds(now), rules, cancellationToken));

    public async Task<IReadOnlyList<QueueTicket>> TicketsAsync(string centre, string day, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadTicketsAsync(connection, null, centre, "list_day = $2 ORDER BY issued_at, number", [Text(day)], cancellationToken);
    }

    public async Task<IReadOnlyList<QueueTicket>> TicketsBetweenAsync(string centre, string fromDay, string toDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadTicketsAsync(connection, null, centre, "list_day BETWEEN $2 AND $3 ORDER BY list_day, issued_at, number", [Text(fromDay), Text(toDay)], cancellationToken);
    }

    /// <summary>Tickets of a centre matching <paramref name="where"/> ($1 is the centre), with every column.</summary>
    private static async Task<List<QueueTicket>> ReadTicketsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string centre, string where, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT day, number, list_day, field, kiosk, issued_at, state, counter, assigned_at, call_order,
                   called_at, served_at, skipped_at, recalled_at, rating_level, rating_scale,
                   priority, target_counter, transferred_from, transfers, returned_at
            FROM queue_tickets
            WHERE centre = $1 AND {where}
            """, connection, transaction);
        command.Parameters.Add(Text(centre));
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tickets = new List<QueueTicket>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var printedDay = reader.GetString(0);
            var number = reader.GetString(1);
            tickets.Add(new QueueTicket
            {
                Id = QueueTicket.IdOf(centre, printedDay, number),
                CentreDay = QueueTicket.KeyOf(centre, reader.GetString(2)),
                Centre = centre,
                Day = printedDay,
                Number = number,
                Field = reader.GetString(3),
                Kiosk = reader.GetString(4),
                IssuedAt = reader.GetDateTime(5),
                State = reader.GetString(6),
                Counter = NullableText(reader, 7),
                AssignedAt = NullableTime(reader, 8),
                CallOrder = reader.GetInt64(9),
                CalledAt = NullableTime(reader, 10),
                ServedAt = NullableTime(reader, 11),
                SkippedAt = NullableTime(reader, 12),
                RecalledAt = [.. reader.GetFieldValue<DateTime[]>(13)],
                RatingLevel = reader.IsDBNull(14) ? null : reader.GetInt32(14),
                RatingScale = reader.IsDBNull(15) ? null : reader.GetInt32(15),
                Priority = reader.GetBoolean(16),
                TargetCounter = NullableText(reader, 17),
                TransferredFrom = NullableText(reader, 18),
                Transfers = reader.GetInt32(19),
                ReturnedAt = NullableTime(reader, 20),
            });
        }

        return tickets;
    }

    private async Task<CallReply> ActOnceAsync(
        string centre, string deviceId, CallRequest request, string day, DateTime at, QueueRules rules, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The device's row, created if new, locked either way: a resend waits for the first copy and finds its answer.
        await using (var last = new NpgsqlCommand("""
            INSERT INTO queue_last_calls (device_id, request_id) VALUES ($1, '')
            ON CONFLICT (device_id) DO UPDATE SET device_id = excluded.device_id
            RETURNING request_id, ticket, field, day, waiting
            """, connection, transaction))
        {
            last.Parameters.Add(Text(deviceId));
            await using var reader = await last.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetString(0) == request.RequestId)
            {
                return new CallReply(request.RequestId, NullableText(reader, 1), NullableText(reader, 2), NullableText(reader, 3), reader.GetInt32(4));
            }
        }

        // One change per centre at a time, on any node. The guarded UPDATEs below alone keep each ticket once and in
        // order (they wait for a competing change of the same row, then find it taken); the lock spares that retry.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [Text("queue|" + centre)], cancellationToken);

        var reply = request.Action switch
        {
            CallActions.Transfer => await TransferAsync(connection, transaction, centre, request, day, cancellationToken),
            CallActions.Recall => await RecallAsync(connection, transaction, centre, request, day, at, rules, cancellationToken),
            _ => await HandOutAsync(connection, transaction, centre, request, day, at, rules, cancellationToken),
        };
        if (reply.Reason is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return reply;
        }

        await ExecuteAsync(connection, transaction, """
            UPDATE queue_last_calls SET request_id = $2, ticket = $3, field = $4, day = $5, waiting = $6 WHERE device_id = $1
            """, [Text(deviceId), Text(reply.RequestId), Text(reply.Ticket), Text(reply.Field), Text(reply.Day), Integer(reply.Waiting)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return reply;
    }

    /// <summary>
    /// Marks the chosen ticket called (<see cref="NextTicketChooser"/> on the day's list). Under the centre's lock only
    /// an event applied at the same moment (a counter's ticket.skipped, say) can change the list: then it is read again.
    /// </summary>
    private static async Task<CallReply> HandOutAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, CallRequest request, string day, DateTime at, QueueRules rules,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxHeadAttempts; attempt++)
        {
            var list = await ReadTicketsAsync(connection, transaction, centre, "list_day = $2", [Text(day)], cancellationToken);
            var (next, left) = NextTicketChooser.Choose(list, request.Counter, request.Fields, request.Field, at, rules);
            if (next is null)
            {
                return new CallReply(request.RequestId, null, null, null, 0);
            }

            var marked = await ExecuteAsync(connection, transaction, $"""
                UPDATE queue_tickets SET state = 'called', counter = $4, target_counter = NULL, assigned_at = $5, call_order = nextval('queue_call_order')
                {TicketKey} AND state = 'waiting'
                """, [Text(centre), Text(next.Day), Text(next.Number), Text(request.Counter), Time(at)], cancellationToken);
            if (marked == 1)
            {
                return new CallReply(request.RequestId, next.Number, next.Field, next.Day, left);
            }
        }

        throw new InvalidOperationException($"The waiting list of {centre} on {day} kept changing; the call was not answered.");
    }

    private static async Task<CallReply> TransferAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, CallRequest request, string day, CancellationToken cancellationToken)
    {
        var ticket = await ReadOneForUpdateAsync(connection, transaction, centre, request.Day ?? day, request.Ticket, cancellationToken);
        if (QueueRefusal.OfTransfer(request, ticket) is { } refused)
        {
            return refused;
        }

        var field = request.ToField ?? ticket!.Field;
        await ExecuteAsync(connection, transaction, $"""
            UPDATE queue_tickets SET state = 'waiting', transferred_from = counter, counter = NULL, assigned_at = NULL,
                   target_counter = $4, field = $5, transfers = transfers + 1
            {TicketKey}
            """, [Text(centre), Text(ticket!.Day), Text(ticket.Number), Text(request.ToCounter), Text(field)], cancellationToken);
        return new CallReply(request.RequestId, ticket.Number, field, ticket.Day, 0);
    }

    private static async Task<CallReply> RecallAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, CallRequest request, string day, DateTime at, QueueRules rules,
        CancellationToken cancellationToken)
    {
        var ticket = await ReadOneForUpdateAsync(connection, transaction, centre, request.Day ?? day, request.Ticket, cancellationToken);
        if (QueueRefusal.OfRecall(request, ticket, at, rules) is { } refused)
        {
            return refused;
        }

        await ExecuteAsync(connection, transaction, $"""
            UPDATE queue_tickets SET state = 'called', counter = $4, assigned_at = $5, returned_at = $5, skipped_at = NULL,
                   call_order = nextval('queue_call_order')
            {TicketKey}
            """, [Text(centre), Text(ticket!.Day), Text(ticket.Number), Text(request.Counter), Time(at)], cancellationToken);
        return new CallReply(request.RequestId, ticket.Number, ticket.Field, ticket.Day, 0);
    }

    private static async Task<QueueTicket?> ReadOneForUpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string centre, string day, string? number, CancellationToken cancellationToken) =>
        (await ReadTicketsAsync(connection, transaction, centre, "day = $2 AND number = $3 FOR UPDATE", [Text(day), Text(number ?? "")], cancellationToken))
        .SingleOrDefault();

    /// <summary>The statement that applies one event, changing a row only when the event adds something to it.</summary>
    private static NpgsqlBatchCommand? ApplyCommand(string centre, string deviceId, DeviceEvent e, TicketPlace? placed)
    {
        var at = Time(QueueEvents.ToMilliseconds(e.At));
        NpgsqlParameter[] key = [Text(centre), Text(e.Detail), Text(e.Ticket)];
        return e.Kind switch
        {
            EventKinds.TicketIssued when placed is { } p => Command("""
                INSERT INTO queue_tickets (centre, day, number, list_day, field, kiosk, issued_at, priority) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT DO NOTHING
                """, [.. key, Text(p.ListDay), Text(e.Field ?? ""), Text(deviceId), Time(QueueEvents.ToMilliseconds(p.IssuedAt)), Boolean(e.Priority == true)]),
            // From the ticket's own kiosk ($6): a hand-out during an outage, whose counter wins (LiteQueueStore.ApplyOne).
            EventKinds.TicketCalled => Command($"""
                UPDATE queue_tickets
                SET called_at = CASE WHEN {FromKiosk} AND transfers = 0 THEN $4 ELSE coalesce(called_at, $4) END,
                    counter = CASE WHEN {FromKiosk} THEN $5 ELSE coalesce(counter, $5) END,
                    state = CASE WHEN state = 'waiting' THEN 'called' ELSE state END
                {TicketKey} AND {NotFromFormerCounter}
                  AND CASE WHEN {FromKiosk} THEN counter IS DISTINCT FROM $5 OR called_at IS NULL OR state = 'waiting'
                           ELSE (called_at IS NULL OR (counter IS NULL AND $5 IS NOT NULL) OR state = 'waiting') END
                """, [.. key, at, Text(e.Counter), Text(deviceId)]),
            // A transfer during an outage, recorded by the ticket's kiosk ($4), while the ticket is still the transferring
            // counter's ($5); a later holder's served or skipped that arrived first keeps its state (LiteQueueStore.ApplyOne).
            EventKinds.TicketTransferred when QueueEvents.TargetOf(e.To) is { } target => Command($"""
                UPDATE queue_tickets SET state = CASE WHEN state = 'called' THEN 'waiting' ELSE state END,
                    transferred_from = counter, counter = NULL, assigned_at = NULL,
                    target_counter = $6, field = coalesce($7, field), transfers = transfers + 1
                {TicketKey} AND kiosk = $4 AND $5 IS NOT NULL AND counter = $5 AND state <> 'waiting'
                """, [.. key, Text(deviceId), Text(e.Counter), Text(target.Counter), Text(target.Field)]),
            // A recall after the skip undoes it (the citizen came back), as LiteQueueStore.ApplyOne: a counter's recall
            // during an outage reaches the fleet only as this event. SET sees the row as it was, so the order is free.
            EventKinds.TicketRecalled => Command($"""
                UPDATE queue_tickets SET recalled_at = array_append(recalled_at, $4),
                    returned_at = CASE WHEN skipped_at IS NOT NULL AND $4 >= skipped_at THEN greatest(returned_at, $4) ELSE returned_at END,
                    state = CASE WHEN skipped_at IS NOT NULL AND $4 >= skipped_at AND state = 'skipped' THEN 'called' ELSE state END,
                    skipped_at = CASE WHEN skipped_at IS NOT NULL AND $4 >= skipped_at THEN NULL ELSE skipped_at END
                {TicketKey} AND NOT ($4 = ANY (recalled_at)) AND {NotFromFormerCounter}
                """, [.. key, at, Text(e.Counter)]),
            EventKinds.TicketServed => Command($"""
                UPDATE queue_tickets SET served_at = coalesce(served_at, $4), state = 'served'
                {TicketKey} AND (served_at IS NULL OR state <> 'served') AND {NotFromFormerCounter}
                """, [.. key, at, Text(e.Counter)]),
            EventKinds.TicketSkipped => Command($"""
                UPDATE queue_tickets SET skipped_at = coalesce(skipped_at, $4), state = 'skipped'
                {TicketKey} AND (skipped_at IS NULL OR state <> 'skipped') AND {NotFromFormerCounter}
                  AND (returned_at IS NULL OR $4 > returned_at)
                """, [.. key, at, Text(e.Counter)]),
            EventKinds.Rating => Command($"""
                UPDATE queue_tickets SET rating_level = $4, rating_scale = $5
                {TicketKey} AND (rating_level IS DISTINCT FROM $4 OR rating_scale IS DISTINCT FROM $5)
                """, [.. key, Integer(e.Level), Integer(e.Scale)]),
            _ => null,
        };
    }

    private static async Task<T> RetryingAsync<T>(Func<Task<T>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                               && n < MaxAttempts)
            {
                // Rolled back whole: nothing of this attempt is stored, so trying again is safe.
            }
        }
    }

    private static async Task<int> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    internal static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter TextArray(string[] value) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = value };

    internal static NpgsqlParameter Boolean(bool value) => new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value };

    internal static NpgsqlParameter Integer(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Bigint(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value };

    internal static NpgsqlParameter Time(DateTime? value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter TimeArray(IEnumerable<DateTime> value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = value.ToArray() };

    private static DateTime? NullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDateTime(ordinal);

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
