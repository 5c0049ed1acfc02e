using Edge.Fleet.Store.Moving;
using Npgsql;
using static Edge.Fleet.Queue.PostgresQueueStore;
using Edge.Fleet.Store;

namespace Edge.Fleet.Queue;

/// <summary>
/// Copies an embedded fleet's queue.db (tickets, the devices' last calls) into PostgreSQL for <c>move-to-postgres</c>,
/// in one transaction. Rows already there are kept as they are (<c>ON CONFLICT DO NOTHING</c>), so a second run
/// writes nothing; the call-order sequence is moved past the highest copied call order, never back.
/// </summary>
public sealed class QueueDataCopier : IEmbeddedDataCopier
{
    public string What => "queue tickets, last calls, events parked for their ticket";

    public int Order => 40;

    public Task<long> CountInTargetAsync(NpgsqlDataSource target, CancellationToken cancellationToken) =>
        CopiedRows.CountAsync(target, cancellationToken, "queue_tickets", "queue_last_calls", "queue_parked");

    public async Task<long> CopyAsync(FleetOptions source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        var path = source.FileIn(LiteQueueStore.FileName);
        if (!File.Exists(path))
        {
            return 0;
        }

        IReadOnlyList<QueueTicket> tickets;
        IReadOnlyList<LastCall> lastCalls;
        IReadOnlyList<ParkedQueueEvent> parked;
        using (var store = new LiteQueueStore(path))
        {
            tickets = store.AllTickets();
            lastCalls = store.AllLastCalls();
            parked = store.AllParked();
        }

        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await CopiedRows.InsertAsync(connection, transaction, tickets, TicketInsert, cancellationToken)
                      + await CopiedRows.InsertAsync(connection, transaction, lastCalls, LastCallInsert, cancellationToken)
                      + await CopiedRows.InsertAsync(connection, transaction, parked, ParkedInsert, cancellationToken);

        await using (var sequence = new NpgsqlCommand("""
            SELECT setval('queue_call_order', t.highest)
            FROM (SELECT max(call_order) AS highest FROM queue_tickets) AS t
            WHERE t.highest > 0 AND t.highest > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM queue_call_order)
            """, connection, transaction))
        {
            await sequence.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static NpgsqlBatchCommand TicketInsert(QueueTicket t)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO queue_tickets (centre, day, number, list_day, field, kiosk, issued_at, state, counter, assigned_at, call_order,
                                       called_at, served_at, skipped_at, recalled_at, rating_level, rating_scale,
                                       priority, target_counter, transferred_from, transfers, returned_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddRange((NpgsqlParameter[])[
            Text(t.Centre), Text(t.Day), Text(t.Number), Text(t.ListDay), Text(t.Field), Text(t.Kiosk), Time(t.IssuedAt), Text(t.State),
            Text(t.Counter), Time(t.AssignedAt), Bigint(t.CallOrder), Time(t.CalledAt), Time(t.ServedAt), Time(t.SkippedAt),
            TimeArray(t.RecalledAt), Integer(t.RatingLevel), Integer(t.RatingScale),
            Boolean(t.Priority), Text(t.TargetCounter), Text(t.TransferredFrom), Integer(t.Transfers), Time(t.ReturnedAt),
        ]);
        return command;
    }

    private static NpgsqlBatchCommand LastCallInsert(LastCall c)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO queue_last_calls (device_id, request_id, ticket, field, day, waiting) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddRange((NpgsqlParameter[])[Text(c.Id), Text(c.RequestId), Text(c.Ticket), Text(c.Field), Text(c.Day), Integer(c.Waiting)]);
        return command;
    }

    private static NpgsqlBatchCommand ParkedInsert(ParkedQueueEvent p)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO queue_parked (event_key, centre, day, number, device_id, event) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddRange((NpgsqlParameter[])[Text(p.Id), Text(p.Centre), Text(p.Day), Text(p.Number), Text(p.DeviceId), Text(p.Event)]);
        return command;
    }
}
