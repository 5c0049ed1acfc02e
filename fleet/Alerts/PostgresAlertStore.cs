using System.Text.Json;
using Edge.Fleet.Web;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Alerts;

/// <summary>
/// <see cref="IAlertStore"/> on PostgreSQL, shared by every node (tables in <see cref="AlertSchema"/>). Each transition is
/// one statement: the alert row and its notice are written together or not at all. "Opened once" rests on the unique
/// partial index <c>alerts_open_key</c> (<c>ON CONFLICT DO NOTHING</c>), "resolved once" on
/// <c>WHERE resolved_at IS NULL</c>, "claimed by one sender" on <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed partial class PostgresAlertStore(NpgsqlDataSource dataSource) : IAlertStore
{
    private const string AlertColumns = "a.id, a.key, a.kind, a.severity, a.device_id, a.counter, a.centre, a.detail, a.opened_at, a.resolved_at, "
        + "a.acknowledged_by, a.acknowledged_at, a.assigned_to, a.resolved_by, a.reopens, a.parameters::text";

    public async Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {AlertColumns} FROM alerts a WHERE a.resolved_at IS NULL");
        return await ReadAlertsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Alert>> HistoryAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {AlertColumns} FROM alerts a WHERE a.opened_at >= $1 ORDER BY a.opened_at DESC, a.id LIMIT $2");
        AddAll(command, since, limit);
        return await ReadAlertsAsync(command, cancellationToken);
    }

    public async Task<bool> TryOpenAsync(Alert alert, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        // reopens: the last alert of the same problem, when a person resolved it (the condition came back).
        await using var command = dataSource.CreateCommand($"""
            WITH opened AS (
                INSERT INTO alerts (id, key, kind, severity, device_id, counter, centre, detail, opened_at, reopens, parameters)
                VALUES ($1, $2, $3, $4, $5::text, $6::text, $7::text, $8, $9, (
                    SELECT CASE WHEN p.resolved_by IS NOT NULL THEN p.id END FROM alerts p
                    WHERE p.key = $2 AND p.resolved_at IS NOT NULL ORDER BY p.resolved_at DESC, p.id LIMIT 1), $13::text::jsonb)
                ON CONFLICT DO NOTHING
                RETURNING id, opened_at
            ), noticed AS (
                INSERT INTO alert_notices (id, alert_id, event, state, due_at, created_at)
                SELECT id || '/' || $11, id, $11, $12, opened_at, opened_at FROM opened WHERE $10
                RETURNING 1
            ), {MailsCte("opened", "opened_at", 11, 14)}
            SELECT count(*) FROM opened
            """);
        AddAll(command, alert.Id, alert.Key, alert.Kind, alert.Severity, alert.DeviceId, alert.Counter, alert.Centre, alert.Detail,
            alert.OpenedAt, outbox.Webhook, NoticeEvents.Opened, NoticeStates.Pending, AlertParametersText.Write(alert.Parameters));
        AddMails(command, outbox);
        return await command.ExecuteScalarAsync(cancellationToken) is long and > 0;
    }

    public async Task<Alert?> TryResolveAsync(string alertId, DateTimeOffset at, string? by, string? comment, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH a AS (
                UPDATE alerts SET resolved_at = $2, resolved_by = $6::text WHERE id = $1 AND resolved_at IS NULL
                RETURNING *
            ), noticed AS (
                INSERT INTO alert_notices (id, alert_id, event, state, due_at, created_at)
                SELECT id || '/' || $4, id, $4, $5, $2, $2 FROM a WHERE $3
                ON CONFLICT DO NOTHING
                RETURNING 1
            ), acted AS (
                INSERT INTO alert_actions (alert_id, at, actor, action, detail)
                SELECT id, $2, $6::text, '{AlertActions.Resolved}', $7::text FROM a WHERE $6::text IS NOT NULL
                RETURNING 1
            ), {MailsCte("a", "resolved_at", 4, 8)}
            SELECT {AlertColumns} FROM a
            """);
        AddAll(command, alertId, at, outbox.Webhook, NoticeEvents.Resolved, NoticeStates.Pending, by, comment);
        AddMails(command, outbox);
        return (await ReadAlertsAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<QueuedNotice>> ClaimDueNoticesAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT n.id FROM alert_notices n
                WHERE n.state IN ('{NoticeStates.Pending}', '{NoticeStates.Sending}') AND n.due_at <= $1
                  AND NOT (n.event = '{NoticeEvents.Resolved}' AND EXISTS (
                      SELECT 1 FROM alert_notices o
                      WHERE o.alert_id = n.alert_id AND o.event = '{NoticeEvents.Opened}'
                        AND o.state IN ('{NoticeStates.Pending}', '{NoticeStates.Sending}')))
                ORDER BY n.created_at, n.event = '{NoticeEvents.Resolved}', n.id
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE alert_notices n SET state = '{NoticeStates.Sending}', due_at = $2, attempts = n.attempts + 1
                FROM due WHERE n.id = due.id
                RETURNING n.id, n.alert_id, n.event, n.attempts, n.created_at
            )
            SELECT c.id, c.event, c.attempts, {AlertColumns}
            FROM claimed c JOIN alerts a ON a.id = c.alert_id
            ORDER BY c.created_at, c.event = '{NoticeEvents.Resolved}', c.id
            """);
        AddAll(command, now, now + claimFor, limit);
        var claimed = new List<QueuedNotice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var @event = reader.GetString(1);
            var alert = ReadAlert(reader, 3);
            claimed.Add(new QueuedNotice(reader.GetString(0),
                new AlertNotice(@event, @event == NoticeEvents.Opened ? alert with { ResolvedAt = null } : alert), reader.GetInt32(2)));
        }

        return claimed;
    }

    public async Task MarkNoticeSentAsync(string noticeId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE alert_notices SET state = '{NoticeStates.Sent}', sent_at = $2, last_error = NULL
            WHERE id = $1 AND state = '{NoticeStates.Sending}'
            """);
        AddAll(command, noticeId, at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task MarkNoticeNotSentAsync(string noticeId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        MarkNotSentAsync("alert_notices", NoticeStates.Failed, NoticeStates.Pending, NoticeStates.Sending, noticeId, error, retryAt, cancellationToken);

    /// <summary>
    /// One outbox row (webhook notice or e-mail) claimed as <paramref name="sending"/> goes back to <paramref name="pending"/>
    /// due at <paramref name="retryAt"/>, or to <paramref name="failed"/> (a dead letter) when there is no next try.
    /// </summary>
    private async Task MarkNotSentAsync(
        string table, string failed, string pending, string sending, string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE {table}
            SET state = CASE WHEN $3::timestamptz IS NULL THEN '{failed}' ELSE '{pending}' END,
                due_at = coalesce($3::timestamptz, due_at),
                last_error = $2
            WHERE id = $1 AND state = '{sending}'
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = error });
        command.Parameters.Add(new() { Value = retryAt is { } due ? (object)due.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<NoticeRecord>> NoticesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, alert_id, event, state, attempts, created_at, sent_at, last_error
            FROM alert_notices ORDER BY created_at DESC, id LIMIT $1
            """);
        command.Parameters.Add(new() { Value = limit });
        var notices = new List<NoticeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            notices.Add(new NoticeRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return notices;
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> HoldsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT key, since FROM alert_holds");
        var holds = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            holds[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return holds;
    }

    public async Task UpdateHoldsAsync(IReadOnlyDictionary<string, DateTimeOffset> started, IReadOnlyCollection<string> ended, CancellationToken cancellationToken)
    {
        if (started.Count == 0 && ended.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO alert_holds (key, since) SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT (key) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = started.Keys.ToArray() });
        insert.Parameters.Add(new() { Value = started.Values.Select(s => s.UtcDateTime).ToArray() });
        var delete = new NpgsqlBatchCommand("DELETE FROM alert_holds WHERE key = ANY($1)");
        delete.Parameters.Add(new() { Value = ended.ToArray() });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(delete);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, AlertRuleSettings>> CentreRulesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT centre, rules::text FROM alert_centre_rules");
        var rules = new Dictionary<string, AlertRuleSettings>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules[reader.GetString(0)] = JsonSerializer.Deserialize(reader.GetString(1), AlertsJson.Default.AlertRuleSettings) ?? new AlertRuleSettings();
        }

        return rules;
    }

    public async Task SaveCentreRulesAsync(string centre, AlertRuleSettings settings, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO alert_centre_rules (centre, rules) VALUES ($1, $2)
            ON CONFLICT (centre) DO UPDATE SET rules = excluded.rules
            """);
        command.Parameters.Add(new() { Value = centre });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(settings, AlertsJson.Default.AlertRuleSettings), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads an alert from the sixteen columns of <see cref="AlertColumns"/> starting at <paramref name="first"/>.</summary>
    internal static Alert ReadAlert(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
        reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
        reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
        reader.GetString(first + 7),
        reader.GetFieldValue<DateTimeOffset>(first + 8),
        reader.IsDBNull(first + 9) ? null : reader.GetFieldValue<DateTimeOffset>(first + 9))
    {
        AcknowledgedBy = reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10),
        AcknowledgedAt = reader.IsDBNull(first + 11) ? null : reader.GetFieldValue<DateTimeOffset>(first + 11),
        AssignedTo = reader.IsDBNull(first + 12) ? null : reader.GetString(first + 12),
        ResolvedBy = reader.IsDBNull(first + 13) ? null : reader.GetString(first + 13),
        Reopens = reader.IsDBNull(first + 14) ? null : reader.GetString(first + 14),
        Parameters = reader.IsDBNull(first + 15) ? null : AlertParametersText.Read(reader.GetString(first + 15)),
    };

    private static async Task<IReadOnlyList<Alert>> ReadAlertsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(ReadAlert(reader, 0));
        }

        return alerts;
    }

    private static void AddAll(NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset at => at.UtcDateTime,
                    _ => value,
                },
            });
        }
    }
}
