using Npgsql;
using NpgsqlTypes;

namespace Edge.Fleet.Alerts;

/// <summary>
/// The work people do on alerts (tables <c>alerts</c> and <c>alert_actions</c>), the e-mail outbox (<c>alert_mails</c>)
/// and the dead letters. A piece of work is one statement: the alert changes only if it still qualifies
/// (<see cref="AlertWorkRules"/>, written again as SQL conditions), and its history entry is written with it.
/// </summary>
public sealed partial class PostgresAlertStore
{
    private const string MailColumns = "id, alert_id, event, person, address, state, attempts, due_at, created_at, sent_at, last_error";

    public async Task<Alert?> FindAsync(string alertId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {AlertColumns} FROM alerts a WHERE a.id = $1");
        AddAll(command, alertId);
        return (await ReadAlertsAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<AlertWorkResult> RecordWorkAsync(AlertAction action, CancellationToken cancellationToken)
    {
        var (condition, change) = action.Action switch
        {
            AlertActions.Commented => ("true", "id = id"),
            AlertActions.Acknowledged => ("resolved_at IS NULL AND acknowledged_by IS NULL", "acknowledged_by = $3, acknowledged_at = $2"),
            AlertActions.Assigned => ("resolved_at IS NULL", "assigned_to = $5::text"),
            _ => throw new ArgumentException($"'{action.Action}' is not work recorded through RecordWorkAsync", nameof(action)),
        };
        await using var command = dataSource.CreateCommand($"""
            WITH a AS (
                UPDATE alerts SET {change} WHERE id = $1 AND {condition}
                RETURNING *
            ), acted AS (
                INSERT INTO alert_actions (alert_id, at, actor, action, detail)
                SELECT id, $2, $3, $4, $5::text FROM a
                RETURNING 1
            )
            SELECT {AlertColumns} FROM a
            """);
        AddAll(command, action.AlertId, action.At, action.Actor, action.Action, action.Detail);
        if ((await ReadAlertsAsync(command, cancellationToken)).SingleOrDefault() is { } changed)
        {
            return new AlertWorkResult(AlertWorkOutcome.Done, changed);
        }

        // Refused: say why, from the alert as it is now.
        if (await FindAsync(action.AlertId, cancellationToken) is not { } alert)
        {
            return new AlertWorkResult(AlertWorkOutcome.NotFound, null);
        }

        var outcome = AlertWorkRules.Apply(alert, action).Outcome;
        return new AlertWorkResult(outcome == AlertWorkOutcome.Done ? AlertWorkOutcome.NotOpen : outcome, alert);
    }

    public async Task<IReadOnlyList<AlertAction>> ActionsAsync(string alertId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT alert_id, at, actor, action, detail FROM alert_actions WHERE alert_id = $1 ORDER BY at, id");
        AddAll(command, alertId);
        var actions = new List<AlertAction>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            actions.Add(new AlertAction(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return actions;
    }

    public async Task<IReadOnlyList<QueuedMail>> ClaimDueMailsAsync(DateTimeOffset now, TimeSpan claimFor, int addresses, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH due_addresses AS (
                SELECT DISTINCT address FROM alert_mails
                WHERE state IN ('{MailStates.Pending}', '{MailStates.Sending}') AND due_at <= $1
                ORDER BY address LIMIT $3
            ), due AS (
                SELECT m.id FROM alert_mails m JOIN due_addresses d ON d.address = m.address
                WHERE m.state = '{MailStates.Pending}' OR (m.state = '{MailStates.Sending}' AND m.due_at <= $1)
                FOR UPDATE OF m SKIP LOCKED
            ), claimed AS (
                UPDATE alert_mails m SET state = '{MailStates.Sending}', due_at = $2, attempts = m.attempts + 1
                FROM due WHERE m.id = due.id
                RETURNING m.id, m.alert_id, m.event, m.person, m.address, m.attempts, m.created_at
            )
            SELECT c.id, c.person, c.address, c.event, c.attempts, c.created_at, {AlertColumns}
            FROM claimed c JOIN alerts a ON a.id = c.alert_id
            ORDER BY c.address, c.created_at, c.id
            """);
        AddAll(command, now, now + claimFor, addresses);
        var claimed = new List<QueuedMail>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var @event = reader.GetString(3);
            var alert = ReadAlert(reader, 6);
            claimed.Add(new QueuedMail(reader.GetString(0), reader.GetString(1), reader.GetString(2), @event,
                @event == NoticeEvents.Opened ? alert with { ResolvedAt = null, ResolvedBy = null } : alert,
                reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return claimed;
    }

    public async Task MarkMailsSentAsync(IReadOnlyCollection<string> mailIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE alert_mails SET state = '{MailStates.Sent}', sent_at = $2, last_error = NULL
            WHERE id = ANY($1) AND state = '{MailStates.Sending}'
            """);
        AddAll(command, mailIds.ToArray(), at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task MarkMailNotSentAsync(string mailId, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        MarkNotSentAsync("alert_mails", MailStates.Failed, MailStates.Pending, MailStates.Sending, mailId, error, retryAt, cancellationToken);

    public async Task<IReadOnlyList<MailRecord>> MailsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {MailColumns} FROM alert_mails ORDER BY created_at DESC, id LIMIT $1");
        AddAll(command, limit);
        var mails = new List<MailRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            mails.Add(new MailRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return mails;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT * FROM (
                SELECT '{DeadLetterChannels.Webhook}' AS channel, id, alert_id, event, NULL::text AS recipient, attempts, created_at, last_error
                FROM alert_notices WHERE state = '{NoticeStates.Failed}'
                UNION ALL
                SELECT '{DeadLetterChannels.Mail}', id, alert_id, event, address, attempts, created_at, last_error
                FROM alert_mails WHERE state = '{MailStates.Failed}'
            ) letters
            ORDER BY created_at DESC, channel COLLATE "C", id COLLATE "C" LIMIT $1
            """);
        AddAll(command, limit);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return letters;
    }

    public async Task<bool> RetryDeadLetterAsync(string channel, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = channel switch
        {
            DeadLetterChannels.Webhook => "alert_notices",
            DeadLetterChannels.Mail => "alert_mails",
            _ => null,
        };
        if (table is null)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand($"""
            UPDATE {table} SET state = '{NoticeStates.Pending}', attempts = 0, due_at = $2
            WHERE id = $1 AND state = '{NoticeStates.Failed}'
            """);
        AddAll(command, id, now);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// A CTE inserting the transition's e-mails (three arrays from <paramref name="firstArray"/>: person, address, due)
    /// for the row of <paramref name="source"/>, stamped with its <paramref name="atColumn"/>.
    /// </summary>
    private static string MailsCte(string source, string atColumn, int eventParameter, int firstArray) => $"""
        mailed AS (
            INSERT INTO alert_mails (id, alert_id, event, person, address, state, attempts, due_at, created_at)
            SELECT s.id || '/' || ${eventParameter} || '/' || m.person, s.id, ${eventParameter}, m.person, m.address, '{MailStates.Pending}', 0, m.due, s.{atColumn}
            FROM {source} s, unnest(${firstArray}::text[], ${firstArray + 1}::text[], ${firstArray + 2}::timestamptz[]) AS m(person, address, due)
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        """;

    private static void AddMails(NpgsqlCommand command, AlertOutbox outbox)
    {
        var mails = outbox.Mails.DistinctBy(m => m.Person, StringComparer.Ordinal).ToList();
        command.Parameters.Add(new() { Value = mails.Select(m => m.Person).ToArray() });
        command.Parameters.Add(new() { Value = mails.Select(m => m.Address).ToArray() });
        command.Parameters.Add(new() { Value = mails.Select(m => m.DueAt.UtcDateTime).ToArray() });
    }
}
